/**
 * @module The framework-free decision: does this `Authorization` value carry an RPT that holds
 * these scopes on this resource? If not, a fresh ticket and a UMA challenge.
 */
import { performance } from 'node:perf_hooks'
import {
  isUmaError,
  type PermissionRequest,
  type RptIntrospection,
  type UmaError,
} from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import { challenge, holdsScopes, unreachable, type Allowed, type Denied } from './decision.js'
import type { DecisionEvent, ResolvedOptions } from './options.js'
import type { RptCache, RptCheck } from './rpt-cache.js'

/** What `authorize` decides on. */
export interface AuthorizeInput {
  /** The request's `Authorization` header, as received. */
  authorization?: string | null | undefined
  /** The resource the request is about. */
  resourceId: string
  /** Every scope the request needs. */
  scopes: string[]
}

/** Longest bearer token looked at; a longer one is refused without asking the AS. */
const MAX_TOKEN_LENGTH = 8192
/**
 * `Bearer` (any case), spaces, an RFC 6750 §2.1 b64token, optional trailing spaces: one linear
 * pass, since this runs on every request.
 */
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*) *$/

/**
 * The bearer token of an `Authorization` value (RFC 6750 §2.1), or `undefined` for anything
 * else: another scheme, no token, extra parts, characters a b64token cannot hold, or a token
 * over 8 KiB.
 *
 * @param authorization - the header value
 * @returns the token
 */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string' || authorization.length > MAX_TOKEN_LENGTH + 16) {
    return undefined
  }
  const token = BEARER.exec(authorization)?.[1]
  return token === undefined || token.length > MAX_TOKEN_LENGTH ? undefined : token
}

const SPACE = 32

/**
 * What follows `Bearer ` in an `Authorization` value, spaces trimmed, without checking its
 * characters: enough to look the token up in the cache, where only tokens that passed
 * {@link bearerToken} are ever kept.
 */
function bearerCandidate(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined
  const length = authorization.length
  if (length < 8 || length > MAX_TOKEN_LENGTH + 16 || authorization.charCodeAt(6) !== SPACE) {
    return undefined
  }
  if (authorization.slice(0, 6).toLowerCase() !== 'bearer') return undefined
  let start = 7
  while (authorization.charCodeAt(start) === SPACE) start++
  let end = length
  while (end > start && authorization.charCodeAt(end - 1) === SPACE) end--
  return end > start ? authorization.slice(start, end) : undefined
}

/** The parts `authorize` works with. */
export interface AuthorizeDeps {
  readonly options: ResolvedOptions
  readonly cache: RptCache
  readonly checkRpt: (rpt: string) => Promise<RptIntrospection>
  readonly requestTicket: (permissions: PermissionRequest[]) => Promise<string>
  readonly now: () => number
}

function checkInput(input: unknown): AuthorizeInput {
  if (typeof input !== 'object' || input === null) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `authorize needs { authorization, resourceId, scopes }, received ${describeReceived(input)}`,
    )
  }
  const { resourceId, scopes } = input as Partial<AuthorizeInput>
  if (typeof resourceId !== 'string' || resourceId === '') {
    throw argumentError('ERR_INVALID_ARG_VALUE', 'resourceId must be a non-empty string')
  }
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((s) => typeof s === 'string' && s !== '')
  ) {
    throw argumentError('ERR_INVALID_ARG_VALUE', 'scopes must be a non-empty array of scope names')
  }
  return input as AuthorizeInput
}

/** Errors that mean the AS cannot be used now: 403 + Warning rather than next(err). */
function isUnavailable(err: unknown): err is UmaError {
  return (
    isUmaError(err) &&
    (err.code === 'as_unreachable' || err.code === 'as_error' || err.code === 'invalid_response')
  )
}

/**
 * Creates `authorize`.
 *
 * @param deps - options, cache, RPT check, ticket request, clock
 * @returns `authorize`
 */
export function createAuthorize(
  deps: AuthorizeDeps,
): (input: AuthorizeInput) => Promise<Allowed | Denied> {
  const { options, cache, checkRpt, requestTicket, now } = deps

  async function decide(
    input: AuthorizeInput,
    observed: { cached: boolean },
  ): Promise<Allowed | Denied> {
    const { resourceId, scopes } = input
    // a cache hit needs no more than the hash of what follows `Bearer `
    const candidate = bearerCandidate(input.authorization)
    const peeked = candidate === undefined ? undefined : cache.peek(candidate)
    const hit = peeked?.rpt
    const token = hit === undefined ? bearerToken(input.authorization) : candidate
    if (token !== undefined) {
      // on a miss the token is hashed once: the key of the peek serves the load
      const key = token === candidate ? peeked?.key : undefined
      const check: RptCheck =
        hit === undefined ? await cache.check(token, checkRpt, key) : { rpt: hit, cached: true }
      observed.cached = check.cached
      if (holdsScopes(check.rpt, resourceId, scopes, now() / 1000, options.clockToleranceSeconds)) {
        const { introspection, permissions } = check.rpt
        return { allowed: true, resourceId, scopes: [...scopes], permissions, introspection }
      }
    }
    // a present but insufficient RPT counts as none: a fresh ticket (UMA Grant §3.5)
    const ticket = await requestTicket([{ resource_id: resourceId, resource_scopes: [...scopes] }])
    return challenge(options.issuer, ticket, options.realm)
  }

  function report(
    input: AuthorizeInput,
    outcome: DecisionEvent['outcome'],
    cached: boolean,
    start: number,
  ): void {
    const onDecision = options.onDecision
    if (onDecision === undefined) return
    try {
      onDecision({
        resourceId: input.resourceId,
        scopes: [...input.scopes],
        outcome,
        cached,
        durationMs: performance.now() - start,
      })
    } catch {
      // an observer's failure must not change a decision
    }
  }

  return async function authorize(raw) {
    const start = options.onDecision === undefined ? 0 : performance.now()
    const input = checkInput(raw)
    const observed = { cached: false }
    try {
      const decision = await decide(input, observed)
      report(input, decision.allowed ? 'allowed' : 'challenged', observed.cached, start)
      return decision
    } catch (err) {
      if (isUnavailable(err)) {
        report(input, 'unreachable', observed.cached, start)
        return unreachable(err)
      }
      report(input, 'error', observed.cached, start)
      throw err
    }
  }
}
