/**
 * @module From a permission ticket to an RPT: the grant request and the rounds it may take
 * (pushed claims on `need_info`, polling `request_submitted`, dropping a refused RPT), each
 * bounded, all of it cancelled with the caller's signal.
 */
import { isUmaError, type RequiredClaim, type UmaError } from '@uma-kit/core'
import { argumentError } from '@uma-kit/core/internal'
import { abortable, sleep } from './abort.js'
import type { GrantClient } from './grant.js'
import type { GrantedRpt } from './grant-response.js'
import type { ClaimToken, ClaimsCallback, ResolvedClientOptions } from './options.js'
import type { CallParty } from './party.js'
import type { RptStore } from './rpt-store.js'

/** Claim rounds after the first request (UMA Grant §3.3.6 `need_info`), as the README bounds them. */
export const MAX_CLAIM_ROUNDS = 3
/** Polls of one `request_submitted`, whatever `pollMaxWaitMs` allows. */
export const MAX_POLLS = 60
/** Seconds between polls when `request_submitted` names no `interval` (UMA Grant §3.3.6). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5
/** The shortest wait between polls: an AS answering `interval: 0` is not polled in a loop. */
export const MIN_POLL_INTERVAL_SECONDS = 1
/** A longer `interval` than this ends polling: the AS asks for more than a request can wait. */
export const MAX_POLL_INTERVAL_SECONDS = 3600
/** A hard stop on grant requests in one exchange, whatever the AS answers. */
export const MAX_GRANT_REQUESTS = 64
/** Longest claim token pushed. */
const MAX_CLAIM_TOKEN_LENGTH = 64 * 1024

/** What the caller knows when it needs an RPT. */
export interface ExchangeInput {
  readonly issuer: string
  /** The origin that challenged: the RPT is kept for it. */
  readonly origin: string
  readonly ticket: string
  readonly party: CallParty
  readonly signal?: AbortSignal | undefined
  /** Told once, when the first grant request settles: its RPT, or `undefined` otherwise. */
  readonly onFirstAnswer?: ((rpt: string | undefined) => void) | undefined
}

/** What the loop carries from one grant request to the next. */
interface Round {
  ticket: string
  rpt: string | undefined
  claimToken: ClaimToken | undefined
  claimRounds: number
  polls: number
  droppedRpt: boolean
}

/**
 * Exchanges a ticket for an RPT and keeps it (and any PCT) in the store.
 *
 * @param input - the trusted issuer, the challenging origin, the ticket, the party, the signal
 * @param options - the checked options
 * @param grant - the grant client
 * @param store - where RPTs and PCTs are held
 * @returns the granted RPT
 * @throws {UmaError} the outcome the AS settled on; the signal's reason when aborted
 */
export async function exchangeTicket(
  input: ExchangeInput,
  options: ResolvedClientOptions,
  grant: GrantClient,
  store: RptStore,
): Promise<GrantedRpt> {
  const { issuer, origin, party, signal } = input
  const pct = store.pct(party.key, issuer)
  const pollDeadline =
    options.pollMaxWaitMs === undefined ? undefined : Date.now() + options.pollMaxWaitMs
  let first = input.onFirstAnswer
  const tell = (rpt: string | undefined) => {
    first?.(rpt)
    first = undefined
  }
  const round: Round = {
    ticket: input.ticket,
    rpt: store.get(party.key, issuer, origin),
    claimToken: await askClaims(party.claims, issuer, input.ticket, undefined, signal),
    claimRounds: 0,
    polls: 0,
    droppedRpt: false,
  }
  try {
    for (let sent = 1; ; sent++) {
      try {
        const granted = await grant.request({
          issuer,
          ticket: round.ticket,
          rpt: round.rpt,
          pct,
          claimToken: round.claimToken,
          partyToken: party.token,
          signal,
        })
        store.set(party.key, issuer, origin, granted.rpt, granted.expiresIn)
        if (granted.pct !== undefined) store.setPct(party.key, issuer, granted.pct)
        tell(granted.rpt)
        return granted
      } catch (err) {
        tell(undefined)
        if (!isUmaError(err) || sent >= MAX_GRANT_REQUESTS) throw err
        if (!(await nextRound(err, round, { input, options, store, pollDeadline }))) throw err
      }
    }
  } finally {
    tell(undefined)
  }
}

/** Prepares the next grant request after `err`, or says there is none. */
async function nextRound(
  err: UmaError,
  round: Round,
  context: {
    input: ExchangeInput
    options: ResolvedClientOptions
    store: RptStore
    pollDeadline: number | undefined
  },
): Promise<boolean> {
  const { input, pollDeadline } = context
  if (err.code === 'invalid_rpt' && round.rpt !== undefined && !round.droppedRpt) {
    context.store.drop(input.party.key, input.issuer, input.origin, round.rpt)
    round.rpt = undefined
    round.droppedRpt = true
    return true
  }
  if (err.code === 'need_info' && round.claimRounds < MAX_CLAIM_ROUNDS) {
    const next = err.ticket ?? round.ticket
    const claims = input.party.claims
    const pushed = await askClaims(claims, input.issuer, next, err.requiredClaims, input.signal)
    if (pushed === undefined) return false
    round.claimToken = pushed
    round.ticket = next
    round.claimRounds++
    return true
  }
  // polling needs a new ticket: Keycloak's access_denied + request_submitted brings none
  if (
    err.code !== 'request_submitted' ||
    pollDeadline === undefined ||
    err.ticket === undefined ||
    err.ticket === round.ticket ||
    round.polls >= MAX_POLLS
  ) {
    return false
  }
  const interval = err.interval ?? DEFAULT_POLL_INTERVAL_SECONDS
  if (interval > MAX_POLL_INTERVAL_SECONDS) return false
  const waitMs = Math.max(MIN_POLL_INTERVAL_SECONDS, interval) * 1000
  if (Date.now() + waitMs > pollDeadline) return false
  await sleep(waitMs, input.signal)
  round.ticket = err.ticket
  round.polls++
  return true
}

async function askClaims(
  claims: ClaimsCallback | undefined,
  asUri: string,
  ticket: string,
  requiredClaims: RequiredClaim[] | undefined,
  signal: AbortSignal | undefined,
): Promise<ClaimToken | undefined> {
  if (claims === undefined) return undefined
  const ctx = { asUri, ticket, requiredClaims, signal: signal ?? new AbortController().signal }
  const pushed: unknown = await abortable(
    Promise.resolve().then(() => claims(ctx)),
    signal,
  )
  if (pushed === undefined) return undefined
  if (!isClaimToken(pushed)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.claims() must give { claim_token, claim_token_format } strings (the token at most ${MAX_CLAIM_TOKEN_LENGTH} characters)`,
    )
  }
  return { claim_token: pushed.claim_token, claim_token_format: pushed.claim_token_format }
}

function isClaimToken(value: unknown): value is ClaimToken {
  if (typeof value !== 'object' || value === null) return false
  const { claim_token: token, claim_token_format: format } = value as Record<string, unknown>
  return (
    typeof token === 'string' &&
    typeof format === 'string' &&
    token !== '' &&
    format !== '' &&
    token.length <= MAX_CLAIM_TOKEN_LENGTH &&
    format.length <= 2048
  )
}
