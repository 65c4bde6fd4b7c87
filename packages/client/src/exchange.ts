/**
 * @module From a permission ticket to an RPT: the grant request and the rounds it may take
 * (pushed claims on `need_info`, polling `request_submitted`, dropping a refused RPT), each
 * bounded.
 */
import { isUmaError, type RequiredClaim } from '@uma-kit/core'
import { argumentError } from '@uma-kit/core/internal'
import type { GrantClient } from './grant.js'
import type { GrantedRpt } from './grant-response.js'
import type { ClaimToken, ResolvedClientOptions } from './options.js'
import type { RptStore } from './rpt-store.js'

/** Claim rounds after the first request (UMA Grant §3.3.6 `need_info`), as api.md bounds them. */
export const MAX_CLAIM_ROUNDS = 3

/** Seconds between polls when `request_submitted` names no `interval` (wire.md §5.3). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5

/** A hard stop on grant requests in one exchange, whatever the AS answers. */
const MAX_GRANT_REQUESTS = 64

/** What the caller knows when it needs an RPT. */
export interface ExchangeInput {
  readonly issuer: string
  readonly origin: string
  readonly ticket: string
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Exchanges a ticket for an RPT and keeps it (and any PCT) in the store.
 *
 * @param input - the trusted issuer, the resource's origin, the ticket
 * @param options - the checked options
 * @param grant - the grant client
 * @param store - where RPTs and PCTs are held
 * @returns the granted RPT
 * @throws {UmaError} the outcome the AS settled on
 */
export async function exchangeTicket(
  input: ExchangeInput,
  options: ResolvedClientOptions,
  grant: GrantClient,
  store: RptStore,
): Promise<GrantedRpt> {
  const { issuer, origin } = input
  let ticket = input.ticket
  let rpt = store.get(issuer, origin)
  const pct = store.pct(issuer)
  let claimToken: ClaimToken | undefined = await askClaims(options, issuer, ticket, undefined)
  let claimRounds = 0
  let droppedRpt = false
  const pollDeadline =
    options.pollMaxWaitMs === undefined ? undefined : Date.now() + options.pollMaxWaitMs

  for (let sent = 1; ; sent++) {
    try {
      const granted = await grant.request({ issuer, ticket, rpt, pct, claimToken })
      store.set(issuer, origin, granted.rpt, granted.expiresIn)
      if (granted.pct !== undefined) store.setPct(issuer, granted.pct)
      return granted
    } catch (err) {
      if (!isUmaError(err) || sent >= MAX_GRANT_REQUESTS) throw err
      if (err.code === 'invalid_rpt' && rpt !== undefined && !droppedRpt) {
        store.drop(issuer, origin, rpt)
        rpt = undefined
        droppedRpt = true
        continue
      }
      if (err.code === 'need_info' && claimRounds < MAX_CLAIM_ROUNDS) {
        const next = err.ticket ?? ticket
        const pushed = await askClaims(options, issuer, next, err.requiredClaims)
        if (pushed !== undefined) {
          claimToken = pushed
          ticket = next
          claimRounds++
          continue
        }
      }
      // polling needs a new ticket: Keycloak's access_denied + request_submitted brings none
      if (
        err.code === 'request_submitted' &&
        pollDeadline !== undefined &&
        err.ticket !== undefined &&
        err.ticket !== ticket
      ) {
        const waitMs = (err.interval ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000
        if (Date.now() + waitMs <= pollDeadline) {
          await sleep(waitMs)
          ticket = err.ticket
          continue
        }
      }
      throw err
    }
  }
}

async function askClaims(
  options: ResolvedClientOptions,
  asUri: string,
  ticket: string,
  requiredClaims: RequiredClaim[] | undefined,
): Promise<ClaimToken | undefined> {
  if (options.claims === undefined) return undefined
  const pushed = await options.claims({ asUri, ticket, requiredClaims })
  if (pushed === undefined) return undefined
  if (
    typeof pushed !== 'object' ||
    typeof pushed.claim_token !== 'string' ||
    typeof pushed.claim_token_format !== 'string' ||
    pushed.claim_token === '' ||
    pushed.claim_token_format === ''
  ) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.claims() must give { claim_token, claim_token_format } strings',
    )
  }
  return pushed
}
