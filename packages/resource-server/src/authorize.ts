/**
 * @module The framework-free decision: does this `Authorization` value carry an RPT that the AS
 * protecting this resource vouched for, holding these scopes on it? If not, a fresh ticket from
 * that AS and a UMA challenge naming it.
 */
import { performance } from 'node:perf_hooks'
import { UmaError, isUmaError } from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import type { AsConnection } from './as-connection.js'
import type { AuthorizationServers } from './authorization-servers.js'
import { bearerCandidate, bearerToken } from './bearer.js'
import { decisionContext } from './call-context.js'
import type { CheckedRpt } from './checked-rpt.js'
import {
  challenge,
  holdsScopes,
  overloaded,
  unreachable,
  type Allowed,
  type Denied,
} from './decision.js'
import { createDecisionReporter, type Observed } from './decision-report.js'
import type { ResolvedOptions } from './options.js'

/** What `authorize` decides on. */
export interface AuthorizeInput {
  /** The request's `Authorization` header, as received. */
  authorization?: string | null | undefined
  /** The resource the request is about: its id at the AS that protects it. */
  resourceId: string
  /** Every scope the request needs. */
  scopes: readonly string[]
}

/** Errors that mean the AS cannot be used now: 403 (with the Warning but for a missing ticket). */
function isUnavailable(err: unknown): err is UmaError {
  if (!isUmaError(err)) return false
  const { code } = err
  return (
    code === 'as_unreachable' ||
    code === 'as_error' ||
    code === 'invalid_response' ||
    code === 'ticket_not_issued' ||
    code === 'overloaded'
  )
}

function checkInput(input: unknown): { resourceId: string; scopes: readonly string[] } {
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
  // the caller keeps its array; the decision keeps a frozen copy
  return { resourceId, scopes: Object.freeze([...(scopes as string[])]) }
}

/** What the local cache said about a request's token, so that a miss does not hash it again. */
export interface CacheLookup {
  /** What follows `Bearer `, unchecked; `undefined` for no bearer token. */
  readonly candidate: string | undefined
  /** The candidate's cache key. */
  readonly key: string | undefined
  /** The cached check, where there is one. */
  readonly rpt: CheckedRpt | undefined
}

/**
 * The decision at one AS, with scopes already checked and frozen: the allowed decision at once
 * where the local cache holds a check of the token that covers the request (no promise, no
 * timer, no AS: the hot path of a busy RS), else a promise of the full decision.
 */
export type DecideAt = (
  connection: AsConnection,
  authorization: unknown,
  resourceId: string,
  scopes: readonly string[],
  /** What the token came over (the request's socket): its last token's key is remembered. */
  holder?: object,
) => Allowed | Promise<Allowed | Denied>

/**
 * The decision from the local cache alone, synchronously: the allowed decision where the cache
 * holds a check of the token that covers the request (reported as the full decision reports
 * it), else what the cache said, for the full decision (`undefined`: the lookup failed, the
 * full decision starts over).
 */
type DecideCached = (
  connection: AsConnection,
  authorization: unknown,
  resourceId: string,
  scopes: readonly string[],
  holder: object | undefined,
) => Allowed | CacheLookup | undefined

const NO_TOKEN: CacheLookup = Object.freeze({
  candidate: undefined,
  key: undefined,
  rpt: undefined,
})

/**
 * Creates the decision: `authorize` for callers, `decideAt` for the middleware.
 *
 * @param options - the resolved options
 * @param servers - the ASes
 * @param resourceMetadataUrl - the RFC 9728 document's URL, named in challenges when served
 * @param now - the clock
 * @returns both
 */
export function createAuthorize(
  options: ResolvedOptions,
  servers: AuthorizationServers,
  resourceMetadataUrl: string | undefined,
  now: () => number = Date.now,
): { authorize: (input: AuthorizeInput) => Promise<Allowed | Denied>; decideAt: DecideAt } {
  /**
   * The last allowed decision made from each cached check, so that a busy token on a busy route
   * gets the same frozen decision (and `req.uma`) without building and freezing one per request.
   * Keyed by the check, which lives as long as its cache entry.
   */
  const lastAllowed = new WeakMap<CheckedRpt, Allowed>()

  /** The allowed decision, where the RPT covers the request. */
  function allowedBy(
    connection: AsConnection,
    rpt: CheckedRpt,
    resourceId: string,
    scopes: readonly string[],
  ): Allowed | undefined {
    // checked on every request, memo or not: the RPT or one of its permissions may have ended
    if (!holdsScopes(rpt, resourceId, scopes, now() / 1000, options.clockToleranceSeconds)) {
      return undefined
    }
    const last = lastAllowed.get(rpt)
    // the same frozen scopes array: one route's guard asks again
    if (
      last !== undefined &&
      last.scopes === scopes &&
      last.resourceId === resourceId &&
      last.issuer === connection.issuer
    ) {
      return last
    }
    const allowed: Allowed = Object.freeze({
      allowed: true,
      resourceId,
      scopes,
      permissions: rpt.permissions,
      introspection: rpt.introspection,
      issuer: connection.issuer,
    })
    lastAllowed.set(rpt, allowed)
    return allowed
  }

  /** The local cache's word on a request's token: no more than the hash of what follows `Bearer `. */
  function lookUp(connection: AsConnection, authorization: unknown): CacheLookup {
    const candidate = bearerCandidate(authorization)
    if (candidate === undefined) return NO_TOKEN
    const key = connection.cache.key(candidate)
    return { candidate, key, rpt: connection.cache.get(key) }
  }

  async function decide(
    connection: AsConnection,
    authorization: unknown,
    resourceId: string,
    scopes: readonly string[],
    observed: Observed,
    lookup: CacheLookup,
  ): Promise<Allowed | Denied> {
    const { cache } = connection
    observed.issuer = connection.issuer
    const context = decisionContext(options.timeoutMs)
    let rpt = lookup.rpt
    if (rpt !== undefined) observed.cached = true
    else {
      const token = bearerToken(authorization)
      // another AS's RPT is never handed to this AS: it would learn it, and could replay it
      if (token !== undefined && !servers.vouchedElsewhere(connection, token)) {
        const check = await cache.check(
          token,
          (t) => connection.checkRpt(t, context),
          token === lookup.candidate ? lookup.key : undefined,
        )
        observed.cached = check.cached
        rpt = check.rpt
      }
    }
    if (rpt !== undefined) {
      observed.rpt = rpt
      const allowed = allowedBy(connection, rpt, resourceId, scopes)
      if (allowed !== undefined) return allowed
    }
    // a present but insufficient RPT counts as none: a fresh ticket (UMA Grant §3.5)
    const ticket = await connection.requestTicket(
      [{ resource_id: resourceId, resource_scopes: [...scopes] }],
      context,
    )
    return challenge(connection.issuer, ticket, options.realm, resourceMetadataUrl)
  }

  const { observing, report } = createDecisionReporter(options.onDecision)

  const decideCached: DecideCached = (connection, authorization, resourceId, scopes, holder) => {
    const watch = observing()
    const start = watch ? performance.now() : 0
    let candidate: string | undefined
    let key: string | undefined
    let rpt: CheckedRpt | undefined
    let allowed: Allowed | undefined
    try {
      candidate = bearerCandidate(authorization)
      if (candidate === undefined) return NO_TOKEN
      // the hit path allocates nothing of its own: no lookup object unless the decision goes on
      key = connection.cache.key(candidate, holder)
      rpt = connection.cache.get(key)
      if (rpt !== undefined) allowed = allowedBy(connection, rpt, resourceId, scopes)
    } catch {
      // the full decision meets the same failure, and turns it into an error it reports
      return undefined
    }
    if (allowed === undefined || rpt === undefined) return { candidate, key, rpt }
    if (watch) {
      const observed = { cached: true, issuer: connection.issuer, rpt }
      report(resourceId, scopes, 'allowed', observed, start)
    }
    return allowed
  }

  const decideFully = async (
    connection: AsConnection,
    authorization: unknown,
    resourceId: string,
    scopes: readonly string[],
    lookup?: CacheLookup,
  ): Promise<Allowed | Denied> => {
    const watch = observing()
    const start = watch ? performance.now() : 0
    const observed: Observed = { cached: false }
    try {
      const decision = await decide(
        connection,
        authorization,
        resourceId,
        scopes,
        observed,
        lookup ?? lookUp(connection, authorization),
      )
      if (watch) {
        report(resourceId, scopes, decision.allowed ? 'allowed' : 'challenged', observed, start)
      }
      return decision
    } catch (err) {
      if (isUnavailable(err)) {
        if (watch) report(resourceId, scopes, 'unreachable', observed, start, err)
        return err.code === 'overloaded' ? overloaded(err) : unreachable(err)
      }
      const failure = isUmaError(err)
        ? err
        : new UmaError('internal_error', 'the decision failed', { cause: err })
      if (watch) report(resourceId, scopes, 'error', observed, start, failure)
      throw failure
    }
  }

  const decideAt: DecideAt = (connection, authorization, resourceId, scopes, holder) => {
    const cached = decideCached(connection, authorization, resourceId, scopes, holder)
    if (cached !== undefined && 'allowed' in cached) return cached
    return decideFully(connection, authorization, resourceId, scopes, cached)
  }
  return {
    decideAt,
    async authorize(raw) {
      const { resourceId, scopes } = checkInput(raw)
      const connection = await servers.forResource(resourceId)
      return decideAt(connection, raw.authorization, resourceId, scopes)
    },
  }
}
