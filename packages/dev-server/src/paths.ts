/**
 * @module Where each endpoint lives: the spec's plain paths, or Keycloak's (wire.md §6.1), so
 * that both shapes are exercised end to end.
 */

/** Which wire shape the AS speaks. */
export type AsMode = 'spec' | 'keycloak'

/** Endpoint paths, relative to the server's origin. */
export interface AsPaths {
  /** The issuer's path: `''` (spec) or `/realms/<realm>` (Keycloak). */
  readonly base: string
  readonly token: string
  readonly introspection: string
  readonly resources: string
  readonly permission: string
  readonly jwks: string
  /** The claims interaction endpoint; Keycloak has none. */
  readonly claims: string | undefined
  readonly ownerRequests: string
}

/**
 * The paths of a mode.
 *
 * @param mode - `'spec'` or `'keycloak'`
 * @param realm - Keycloak's realm name
 * @returns the paths
 */
export function pathsFor(mode: AsMode, realm = 'photos'): AsPaths {
  if (mode === 'keycloak') {
    const base = `/realms/${encodeURIComponent(realm)}`
    return {
      base,
      token: `${base}/protocol/openid-connect/token`,
      introspection: `${base}/protocol/openid-connect/token/introspect`,
      resources: `${base}/authz/protection/resource_set`,
      permission: `${base}/authz/protection/permission`,
      jwks: `${base}/protocol/openid-connect/certs`,
      claims: undefined,
      ownerRequests: `${base}/owner/requests`,
    }
  }
  return {
    base: '',
    token: '/token',
    introspection: '/introspect',
    resources: '/resource_set',
    permission: '/permission',
    jwks: '/jwks',
    claims: '/claims',
    ownerRequests: '/owner/requests',
  }
}
