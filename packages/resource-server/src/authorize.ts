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
import { decisionsObserved, publishDecision } from './diagnostics.js'
import type { DecisionEvent, ResolvedOptions } from './options.js'

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

/** One decision's outcome details, for `onDecision`. */
interface Observed {
  cached: boolean
  issuer?: string
  rpt?: CheckedRpt
}

/** The decision at one AS, with scopes already checked and frozen. */
export type DecideAt = (
  connection: AsConnection,
  authorization: unknown,
  resourceId: string,
  scopes: readonly string[],
) => Promise<Allowed | Denied>

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
  async function decide(
    connection: AsConnection,
    authorization: unknown,
    resourceId: string,
    scopes: readonly string[],
    observed: Observed,
  ): Promise<Allowed | Denied> {
    const { cache } = connection
    observed.issuer = connection.issuer
    const context = decisionContext(options.timeoutMs)
    // a cache hit needs no more than the hash of what follows `Bearer `
    const candidate = bearerCandidate(authorization)
    const peeked = candidate === undefined ? undefined : cache.peek(candidate)
    let rpt = peeked?.rpt
    if (rpt !== undefined) observed.cached = true
    else {
      const token = bearerToken(authorization)
      // another AS's RPT is never handed to this AS: it would learn it, and could replay it
      if (token !== undefined && !servers.vouchedElsewhere(connection, token)) {
        const check = await cache.check(
          token,
          (t) => connection.checkRpt(t, context),
          token === candidate ? peeked?.key : undefined,
        )
        observed.cached = check.cached
        rpt = check.rpt
      }
    }
    if (rpt !== undefined) {
      observed.rpt = rpt
      if (holdsScopes(rpt, resourceId, scopes, now() / 1000, options.clockToleranceSeconds)) {
        return Object.freeze({
          allowed: true,
          resourceId,
          scopes,
          permissions: rpt.permissions,
          introspection: rpt.introspection,
          issuer: connection.issuer,
        })
      }
    }
    // a present but insufficient RPT counts as none: a fresh ticket (UMA Grant §3.5)
    const ticket = await connection.requestTicket(
      [{ resource_id: resourceId, resource_scopes: [...scopes] }],
      context,
    )
    return challenge(connection.issuer, ticket, options.realm, resourceMetadataUrl)
  }

  function report(
    resourceId: string,
    scopes: readonly string[],
    outcome: DecisionEvent['outcome'],
    observed: Observed,
    start: number,
    error?: UmaError,
  ): void {
    const event: DecisionEvent = {
      resourceId,
      scopes: [...scopes],
      outcome,
      cached: observed.cached,
      durationMs: performance.now() - start,
    }
    if (observed.issuer !== undefined) event.issuer = observed.issuer
    if (error !== undefined) event.error = error
    if (outcome === 'allowed' && observed.rpt !== undefined) {
      if (observed.rpt.sub !== undefined) event.sub = observed.rpt.sub
      if (observed.rpt.clientId !== undefined) event.clientId = observed.rpt.clientId
    }
    publishDecision(event)
    try {
      options.onDecision?.(event)
    } catch {
      // an observer's failure must not change a decision
    }
  }

  const observing = (): boolean => options.onDecision !== undefined || decisionsObserved()

  const decideAt: DecideAt = async (connection, authorization, resourceId, scopes) => {
    const watch = observing()
    const start = watch ? performance.now() : 0
    const observed: Observed = { cached: false }
    try {
      const decision = await decide(connection, authorization, resourceId, scopes, observed)
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

  return {
    decideAt,
    async authorize(raw) {
      const { resourceId, scopes } = checkInput(raw)
      const authorization = raw.authorization
      const connection = await servers.forResource(resourceId)
      return decideAt(connection, authorization, resourceId, scopes)
    },
  }
}
