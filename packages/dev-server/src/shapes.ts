/**
 * @module The wire shapes the development AS speaks, and where each endpoint lives in each: the
 * specs' plain paths, Keycloak's, Apereo CAS's and WSO2 Identity Server's (see the README's
 * tables), so that uma-kit, and your own code, can be run against each shape end to end.
 */

/**
 * Which wire shape the AS speaks: the UMA 2.0 specs (`'spec'`), Keycloak's paths, codes and
 * reusable JWT tickets (`'keycloak'`), Apereo CAS's UMA 1.0-style API (`'cas'`), or WSO2 Identity
 * Server's UMA connector (`'wso2'`).
 */
export type DevServerShape = 'spec' | 'keycloak' | 'cas' | 'wso2'

/** Every shape, in the order the CLI and the README list them. */
export const DEV_SERVER_SHAPES: readonly DevServerShape[] = ['spec', 'keycloak', 'cas', 'wso2']

/** Endpoint paths, relative to the server's origin. */
export interface AsPaths {
  /** The issuer's path: `''`, `/realms/<realm>`, `/cas/oauth2.0` or `/oauth2/token`. */
  readonly base: string
  /** The discovery document; WSO2 IS has none. */
  readonly discovery: string | undefined
  readonly token: string
  readonly introspection: string
  readonly resources: string
  readonly permission: string
  /** The signing keys; WSO2's RPTs are opaque, so it publishes none here. */
  readonly jwks: string | undefined
  /** The claims interaction endpoint (CAS: `rqpClaims`); Keycloak and WSO2 have none. */
  readonly claims: string | undefined
  /** CAS's JSON RPT endpoint (`rptAuthzRequest`); the others take the grant at `token`. */
  readonly rpt: string | undefined
  /** The development AS's own owner endpoint (pending requests, approvals). */
  readonly ownerRequests: string
}

function keycloakPaths(realm: string): AsPaths {
  const base = `/realms/${encodeURIComponent(realm)}`
  return {
    base,
    discovery: `${base}/.well-known/uma2-configuration`,
    token: `${base}/protocol/openid-connect/token`,
    introspection: `${base}/protocol/openid-connect/token/introspect`,
    resources: `${base}/authz/protection/resource_set`,
    permission: `${base}/authz/protection/permission`,
    jwks: `${base}/protocol/openid-connect/certs`,
    claims: undefined,
    rpt: undefined,
    ownerRequests: `${base}/owner/requests`,
  }
}

function casPaths(): AsPaths {
  // CAS is usually deployed under /cas, and its UMA endpoints sit under /oauth2.0 (Apereo CAS: see the README's vendor notes)
  const base = '/cas/oauth2.0'
  return {
    base,
    discovery: `${base}/.well-known/uma-configuration`,
    token: `${base}/token`,
    introspection: `${base}/introspect`,
    resources: `${base}/resourceSet`,
    permission: `${base}/permission`,
    jwks: `${base}/umaJwks`,
    claims: `${base}/rqpClaims`,
    rpt: `${base}/rptAuthzRequest`,
    ownerRequests: `${base}/owner/requests`,
  }
}

function wso2Paths(): AsPaths {
  // WSO2 IS names its token endpoint as the `iss` of its tokens (WSO2 IS: see the README's vendor notes)
  const uma = '/api/identity/oauth2/uma'
  return {
    base: '/oauth2/token',
    discovery: undefined,
    token: '/oauth2/token',
    introspection: '/oauth2/introspect',
    resources: `${uma}/resourceregistration/v1.0/resource`,
    permission: `${uma}/permission/v1.0/permission`,
    jwks: undefined,
    claims: undefined,
    rpt: undefined,
    ownerRequests: '/owner/requests',
  }
}

/**
 * The paths of a shape.
 *
 * @param shape - the wire shape
 * @param realm - Keycloak's realm name, in `'keycloak'` shape
 * @returns the paths
 */
export function pathsFor(shape: DevServerShape, realm = 'photos'): AsPaths {
  switch (shape) {
    case 'keycloak':
      return keycloakPaths(realm)
    case 'cas':
      return casPaths()
    case 'wso2':
      return wso2Paths()
    case 'spec':
      return {
        base: '',
        discovery: '/.well-known/uma2-configuration',
        token: '/token',
        introspection: '/introspect',
        resources: '/resource_set',
        permission: '/permission',
        jwks: '/jwks',
        claims: '/claims',
        rpt: undefined,
        ownerRequests: '/owner/requests',
      }
  }
}
