/**
 * @module What the development AS publishes about itself: UMA 2.0 metadata (UMA Grant §2,
 * FedAuthz §2) in the spec and Keycloak shapes, CAS's UMA 1.0-style `uma-configuration`,
 * nothing in the WSO2 shape (WSO2 IS has no discovery document), and, whatever the
 * shape, the endpoints a resource server or client would be configured with by hand.
 */
import { ID_TOKEN_FORMAT, JWT_CLAIMS_FORMAT, UMA_TICKET_GRANT } from './claim-tokens.js'
import type { ServerContext } from './context.js'

/**
 * The endpoints of a running server, named as in UMA 2.0 metadata. A type, not an interface, so
 * that it fits `metadata` options typed with an index signature.
 */
export type DevServerMetadata = {
  readonly issuer: string
  readonly token_endpoint: string
  readonly introspection_endpoint: string
  readonly resource_registration_endpoint: string
  readonly permission_endpoint: string
  /** Absent in the WSO2 shape, whose RPTs are opaque. */
  readonly jwks_uri?: string
  /** The claims interaction endpoint (CAS: `rqpClaims`); absent in the Keycloak and WSO2 shapes. */
  readonly claims_interaction_endpoint?: string
  /** CAS's JSON RPT endpoint (`rptAuthzRequest`), in the CAS shape only. */
  readonly rpt_endpoint?: string
}

/**
 * The endpoints of the server, as a resource server's or a client's `metadata` option takes them.
 *
 * @param ctx - the server
 * @returns the endpoints
 */
export function endpointsOf(ctx: ServerContext): DevServerMetadata {
  const { paths } = ctx
  return {
    issuer: ctx.issuer(),
    token_endpoint: ctx.url(paths.token),
    introspection_endpoint: ctx.url(paths.introspection),
    resource_registration_endpoint: ctx.url(paths.resources),
    permission_endpoint: ctx.url(paths.permission),
    ...(paths.jwks === undefined ? {} : { jwks_uri: ctx.url(paths.jwks) }),
    ...(paths.claims === undefined ? {} : { claims_interaction_endpoint: ctx.url(paths.claims) }),
    ...(paths.rpt === undefined ? {} : { rpt_endpoint: ctx.url(paths.rpt) }),
  }
}

function umaConfiguration(ctx: ServerContext): Record<string, unknown> {
  const endpoints = endpointsOf(ctx)
  // CAS keeps UMA 1.0's names and publishes no jwks_uri (its keys are at umaJwks)
  return {
    version: '1.0',
    issuer: endpoints.issuer,
    pat_profiles_supported: ['bearer'],
    aat_profiles_supported: ['bearer'],
    rpt_profiles_supported: ['bearer'],
    pat_grant_types_supported: ['client_credentials'],
    aat_grant_types_supported: ['client_credentials'],
    claim_token_profiles_supported: [],
    uma_profiles_supported: [],
    token_endpoint: endpoints.token_endpoint,
    requesting_party_claims_endpoint: endpoints.claims_interaction_endpoint,
    resource_set_registration_endpoint: endpoints.resource_registration_endpoint,
    introspection_endpoint: endpoints.introspection_endpoint,
    permission_registration_endpoint: endpoints.permission_endpoint,
    rpt_endpoint: endpoints.rpt_endpoint,
  }
}

/**
 * The discovery document of the shape, or `undefined` where the shape has none (WSO2).
 *
 * @param ctx - the server
 * @returns the document
 */
export function discoveryDocument(ctx: ServerContext): Record<string, unknown> | undefined {
  if (ctx.shape === 'wso2') return undefined
  if (ctx.shape === 'cas') return umaConfiguration(ctx)
  const { rpt_endpoint: _none, ...endpoints } = endpointsOf(ctx)
  return {
    ...endpoints,
    grant_types_supported: ['client_credentials', UMA_TICKET_GRANT],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    uma_profiles_supported: [],
    claim_token_profiles_supported: [JWT_CLAIMS_FORMAT, ID_TOKEN_FORMAT],
  }
}
