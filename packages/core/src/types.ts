/**
 * @module Types of the objects UMA 2.0 puts on the wire, as uma-kit reads them.
 */

/** The uma-ticket grant type of UMA 2.0 Grant §3.3.1. */
export const UMA_TICKET_GRANT = 'urn:ietf:params:oauth:grant-type:uma-ticket' as const

/** Token format of an OpenID Connect ID token as a pushed claim token (the `http` spelling). */
export const ID_TOKEN_CLAIM_FORMAT = 'http://openid.net/specs/openid-connect-core-1_0.html#IDToken'

/**
 * Authorization-server metadata (RFC 8414, UMA Grant §2, UMA FedAuthz §2). Unknown members are
 * kept. `discover` fills `resource_registration_endpoint`, `permission_endpoint`,
 * `introspection_endpoint` and `claims_interaction_endpoint` from their UMA 1.0 and old
 * Keycloak names when only those are present.
 */
export interface UmaServerMetadata {
  /** The AS's issuer identifier; equals the `as_uri` of challenges. */
  readonly issuer: string
  readonly token_endpoint: string
  readonly introspection_endpoint?: string
  readonly jwks_uri?: string
  readonly resource_registration_endpoint?: string
  readonly permission_endpoint?: string
  readonly claims_interaction_endpoint?: string
  readonly authorization_endpoint?: string
  readonly revocation_endpoint?: string
  readonly registration_endpoint?: string
  readonly uma_profiles_supported?: readonly string[]
  readonly grant_types_supported?: readonly string[]
  readonly token_endpoint_auth_methods_supported?: readonly string[]
  readonly [member: string]: unknown
}

/** One permission as the RS asks the permission endpoint for it (UMA FedAuthz §4.1). */
export interface PermissionRequest {
  resource_id: string
  /** May be empty. */
  resource_scopes: string[]
}

/**
 * One permission held by an RPT, in the spec's shape (UMA FedAuthz §5.1.1), whatever shape the
 * AS used. Times are seconds since the epoch.
 */
export interface Permission {
  resource_id: string
  resource_scopes: string[]
  exp?: number
  iat?: number
  nbf?: number
}

/** A scope as Keycloak returns it in resource descriptions. */
export interface ScopeObject {
  name: string
  [member: string]: unknown
}

/** A resource description (UMA FedAuthz §3.1). Vendor members (Keycloak's `owner`, `uris`) pass through. */
export interface ResourceDescription {
  resource_scopes: (string | ScopeObject)[]
  name?: string
  description?: string
  icon_uri?: string
  type?: string
  [member: string]: unknown
}

/**
 * A claim the AS asks for in `need_info` (UMA Grant §3.3.6). Members the spec does not define
 * are kept as the AS sent them, bounded (SolidLab names the missing scopes in
 * `resource_scopes`).
 */
export interface RequiredClaim {
  name?: string
  friendly_name?: string
  claim_type?: string
  claim_token_format?: string[]
  issuer?: string[]
  [member: string]: unknown
}

/** A successful token response (RFC 6749 §5.1 plus UMA Grant §3.3.5). */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  scope?: string
  pct?: string
  upgraded?: boolean
  [member: string]: unknown
}

/** An OAuth error body (RFC 6749 §5.2) with the UMA members of UMA Grant §3.3.6. */
export interface OAuthErrorResponse {
  error: string
  error_description?: string
  error_uri?: string
  ticket?: string
  required_claims?: RequiredClaim[]
  redirect_user?: string
  interval?: number
  [member: string]: unknown
}

/** An introspection answer (RFC 7662 §2.2 plus UMA FedAuthz §5.1.1). */
export interface RptIntrospection {
  active: boolean
  exp?: number
  iat?: number
  nbf?: number
  client_id?: string
  sub?: string
  permissions?: unknown
  [member: string]: unknown
}

/** What `parseUmaChallenge` reads from a `WWW-Authenticate: UMA …` challenge. */
export interface UmaChallenge {
  realm?: string
  asUri: string
  ticket: string
}

/** One challenge of a `WWW-Authenticate` field, any scheme. */
export interface AuthChallenge {
  /** The scheme as sent; compare it case-insensitively. */
  scheme: string
  /** Parameters by lower-cased name, values unescaped; the first of a repeated name wins. */
  params: Record<string, string>
  /** The token68 form (`Basic dXNlcg==`), where the challenge used it. */
  token68?: string
}
