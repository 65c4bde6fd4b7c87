/**
 * @module @uma-kit/core: discovery, the UMA challenge, permissions, errors and wire types shared
 * by `@uma-kit/resource-server` and `@uma-kit/client`.
 */
export { parseAuthChallenges, parseUmaChallenge, formatUmaChallenge } from './challenge.js'
export {
  discover,
  createDiscoveryCache,
  validateMetadata,
  type DiscoverOptions,
  type DiscoveryCache,
  type DiscoveryCacheOptions,
} from './discovery.js'
export {
  UmaError,
  isUmaError,
  argumentError,
  describeReceived,
  readOptions,
  UMA_ERROR_CODES,
  type UmaErrorCode,
  type UmaErrorDetails,
  type ArgumentError,
} from './errors.js'
export {
  callAs,
  readErrorBody,
  redactTokens,
  toUmaError,
  unexpectedStatus,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AsCallOptions,
  type AsErrorInfo,
  type AsResponse,
} from './http.js'
export { isJsonObject, numberMember, stringArray, stringMember, type JsonObject } from './json.js'
export { checkManualMetadata, resolveMetadata } from './metadata.js'
export {
  callOAuthEndpoint,
  resolveClientAuth,
  type OAuthCallResult,
  type OAuthClientSettings,
} from './oauth-call.js'
export { normalizePermissions } from './permissions.js'
export { createSingleFlight, type SingleFlight } from './single-flight.js'
export {
  UMA_TICKET_GRANT,
  ID_TOKEN_CLAIM_FORMAT,
  type AuthChallenge,
  type OAuthErrorResponse,
  type Permission,
  type PermissionRequest,
  type RequiredClaim,
  type ResourceDescription,
  type RptIntrospection,
  type ScopeObject,
  type TokenResponse,
  type UmaChallenge,
  type UmaServerMetadata,
} from './types.js'
export { appendPathSegment, isLoopbackUrl, normalizeIssuer, sameIssuer } from './url.js'
