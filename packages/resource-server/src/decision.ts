/**
 * @module The decision itself, as pure functions of values: does a checked RPT hold the scopes
 * on the resource, and what does a denial look like on the wire.
 */
import { UmaError, formatUmaChallenge, type Permission, type RptIntrospection } from '@uma-kit/core'
import type { CheckedRpt } from './checked-rpt.js'

/** A request the RPT covers: `next()` with these in `req.uma`. Frozen, as everything in it. */
export interface Allowed {
  readonly allowed: true
  readonly resourceId: string
  readonly scopes: readonly string[]
  /** Every permission the RPT holds, in the spec's shape. */
  readonly permissions: readonly Readonly<Permission>[]
  /** The introspection answer, or the verified JWT's payload with `active: true`. */
  readonly introspection: Readonly<RptIntrospection>
  /** The AS that vouched for the RPT. */
  readonly issuer: string
}

/** A request the RPT does not cover: the status and headers to answer with. */
export interface Denied {
  readonly allowed: false
  /**
   * 401 with a UMA challenge; 403 with a Warning when the AS cannot be reached; 403 without
   * one when the AS gave no ticket; 503 with `Retry-After` when the RS's own bound on calls to
   * the AS was reached.
   */
  readonly status: 401 | 403 | 503
  readonly headers: Readonly<Record<string, string>>
  /** Behind a 403 or 503: why, for logging. */
  readonly error?: UmaError
}

/** The Warning of UMA Grant §3.2.2 for an RS that cannot reach its AS. */
export const UNREACHABLE_WARNING = '199 - "UMA Authorization Server Unreachable"'

function within(
  exp: number | undefined,
  nbf: number | undefined,
  now: number,
  tolerance: number,
): boolean {
  if (exp !== undefined && exp + tolerance <= now) return false
  if (nbf !== undefined && nbf - tolerance > now) return false
  return true
}

/**
 * Tells whether a checked RPT is active, inside its `nbf`..`exp`, and holds every scope on the
 * resource. Scopes may be spread over several permissions for the resource; a permission outside
 * its own `nbf`..`exp` counts for nothing.
 *
 * @param rpt - the checked RPT (times already numbers: see `checked-rpt.ts`)
 * @param resourceId - the resource the request is about
 * @param scopes - every scope the route requires (at least one)
 * @param nowSeconds - the current time, seconds since the epoch
 * @param toleranceSeconds - accepted clock skew on `exp` and `nbf`
 * @returns whether the request is covered
 * @see UMA FedAuthz §5.1.1, RFC 7662 §2.2 and UMA FedAuthz §5.1.1
 */
export function holdsScopes(
  rpt: CheckedRpt,
  resourceId: string,
  scopes: readonly string[],
  nowSeconds: number,
  toleranceSeconds = 0,
): boolean {
  if (!rpt.active || !within(rpt.exp, rpt.nbf, nowSeconds, toleranceSeconds)) return false
  // lists are short, so plain loops beat building a Set on this per-request path
  let anyLive = false
  for (const scope of scopes) {
    let held = false
    for (const permission of rpt.permissions) {
      if (permission.resource_id !== resourceId) continue
      if (!within(permission.exp, permission.nbf, nowSeconds, toleranceSeconds)) continue
      anyLive = true
      if (permission.resource_scopes.includes(scope)) {
        held = true
        break
      }
    }
    if (!held) return false
  }
  return anyLive
}

/** Longest ticket put into a header; a longer one is the AS's fault. */
const MAX_TICKET_LENGTH = 8192

const NO_STORE = 'no-store'

/**
 * The 401 answer: a UMA challenge with a fresh ticket, not to be cached by anyone.
 *
 * @param issuer - the `as_uri`
 * @param ticket - the permission ticket just issued
 * @param realm - the configured realm, if any
 * @param resourceMetadata - the RFC 9728 document's URL, if one is served
 * @returns the denial
 * @throws {UmaError} `invalid_response` for a ticket no header can carry (CR, LF, characters
 *   past U+00FF, over 8 KiB): the AS's fault, answered as the AS being unusable
 * @see UMA Grant §3.2.1, RFC 9728 §5.1
 */
export function challenge(
  issuer: string,
  ticket: string,
  realm: string | undefined,
  resourceMetadata?: string,
): Denied {
  let header: string
  try {
    if (ticket.length > MAX_TICKET_LENGTH || !/^[\x21-\x7e]+$/.test(ticket)) throw new TypeError()
    header = formatUmaChallenge(
      realm === undefined ? { asUri: issuer, ticket } : { realm, asUri: issuer, ticket },
    )
  } catch {
    throw new UmaError(
      'invalid_response',
      `the permission endpoint of ${issuer} gave a ticket that cannot go into a header`,
    )
  }
  if (resourceMetadata !== undefined) header += `, resource_metadata="${resourceMetadata}"`
  return Object.freeze({
    allowed: false,
    status: 401,
    headers: Object.freeze({ 'www-authenticate': header, 'cache-control': NO_STORE }),
  })
}

/**
 * The 503 answer of an RS past its own bound on calls to the AS: try again in a second. A 403
 * would tell a UMA client that authorization cannot be obtained (it gives up), and the Warning
 * that the AS is unreachable, neither of which is true.
 *
 * @param error - the `overloaded` error, for logs
 * @returns the denial
 */
export function overloaded(error: UmaError): Denied {
  return Object.freeze({
    allowed: false,
    status: 503,
    headers: Object.freeze({ 'retry-after': '1', 'cache-control': NO_STORE }),
    error,
  })
}

/**
 * The 403 answer of an RS whose AS cannot be reached, or 403 without the Warning when the AS
 * answered but gave no ticket (`ticket_not_issued`): failing closed, saying the truth.
 *
 * @param error - why, for logs
 * @returns the denial
 * @see UMA Grant §3.2.2
 */
export function unreachable(error: UmaError): Denied {
  const headers: Record<string, string> =
    error.code === 'ticket_not_issued'
      ? { 'cache-control': NO_STORE }
      : { warning: UNREACHABLE_WARNING, 'cache-control': NO_STORE }
  return Object.freeze({ allowed: false, status: 403, headers: Object.freeze(headers), error })
}
