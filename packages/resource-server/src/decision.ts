/**
 * @module The decision itself, as pure functions of values: does a checked RPT hold the scopes
 * on the resource, and what does a denial look like on the wire.
 */
import {
  formatUmaChallenge,
  type Permission,
  type RptIntrospection,
  type UmaError,
} from '@uma-kit/core'

/** A request the RPT covers: `next()` with these in `req.uma`. */
export interface Allowed {
  readonly allowed: true
  readonly resourceId: string
  readonly scopes: string[]
  /** Every permission the RPT holds, in the spec's shape. */
  readonly permissions: Permission[]
  /** The introspection answer, or the verified JWT's payload with `active: true`. */
  readonly introspection: RptIntrospection
}

/** A request the RPT does not cover: the status and headers to answer with. */
export interface Denied {
  readonly allowed: false
  /** 401 with a UMA challenge, or 403 with a Warning when the AS cannot be reached. */
  readonly status: 401 | 403
  readonly headers: Record<string, string>
  /** Behind a 403: why the AS could not be used, for logging. */
  readonly error?: UmaError
}

/** A checked RPT: what the AS (or its signing key) vouched for. */
export interface CheckedRpt {
  readonly introspection: RptIntrospection
  readonly permissions: Permission[]
}

/** The Warning of UMA Grant §3.2.2 for an RS that cannot reach its AS. */
export const UNREACHABLE_WARNING = '199 - "UMA Authorization Server Unreachable"'

function within(
  times: { exp?: number | undefined; nbf?: number | undefined },
  now: number,
  tolerance: number,
): boolean {
  if (times.exp !== undefined && times.exp + tolerance <= now) return false
  if (times.nbf !== undefined && times.nbf - tolerance > now) return false
  return true
}

/**
 * Tells whether a checked RPT is active, inside its `nbf`..`exp`, and holds every scope on the
 * resource. Scopes may be spread over several permissions for the resource; a permission outside
 * its own `nbf`..`exp` counts for nothing. With no scopes required, one live permission for the
 * resource is enough.
 *
 * @param rpt - the introspection answer and its normalised permissions
 * @param resourceId - the resource the request is about
 * @param scopes - every scope the route requires
 * @param nowSeconds - the current time, seconds since the epoch
 * @param toleranceSeconds - accepted clock skew on `exp` and `nbf`
 * @returns whether the request is covered
 * @see UMA FedAuthz §5.1.1, wire.md §3.4
 */
export function holdsScopes(
  rpt: CheckedRpt,
  resourceId: string,
  scopes: readonly string[],
  nowSeconds: number,
  toleranceSeconds = 0,
): boolean {
  const { introspection } = rpt
  if (!introspection.active) return false
  if (!within(introspection, nowSeconds, toleranceSeconds)) return false
  // scopes may be spread over several live permissions for the resource; lists are short, so
  // plain loops beat building a Set on this per-request path
  const live = rpt.permissions.filter(
    (permission) =>
      permission.resource_id === resourceId && within(permission, nowSeconds, toleranceSeconds),
  )
  return (
    live.length > 0 &&
    scopes.every((scope) => live.some((permission) => permission.resource_scopes.includes(scope)))
  )
}

/**
 * The 401 answer: a UMA challenge with a fresh ticket, not to be cached by anyone.
 *
 * @param issuer - the `as_uri`
 * @param ticket - the permission ticket just issued
 * @param realm - the configured realm, if any
 * @returns the denial
 * @see UMA Grant §3.2.1
 */
export function challenge(issuer: string, ticket: string, realm: string | undefined): Denied {
  const header = formatUmaChallenge(
    realm === undefined ? { asUri: issuer, ticket } : { realm, asUri: issuer, ticket },
  )
  return {
    allowed: false,
    status: 401,
    headers: { 'www-authenticate': header, 'cache-control': 'no-store' },
  }
}

/**
 * The 403 answer of an RS whose AS cannot be reached.
 *
 * @param error - why, for logs
 * @returns the denial
 * @see UMA Grant §3.2.2
 */
export function unreachable(error: UmaError): Denied {
  return {
    allowed: false,
    status: 403,
    headers: { warning: UNREACHABLE_WARNING, 'cache-control': 'no-store' },
    error,
  }
}
