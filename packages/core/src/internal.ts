/**
 * @module @uma-kit/core/internal: what `@uma-kit/resource-server`, `@uma-kit/client` and
 * `@uma-kit/dev-server` share. **Not public API**: no semver promise covers this entry point;
 * anything here may change or go in any release. Use `@uma-kit/core` instead.
 */
export { parseAuthChallenges } from './challenge.js'
export { validateMetadata, type DiscoveryCallOptions } from './discovery.js'
export {
  UMA_ERROR_CODES,
  argumentError,
  describeReceived,
  readOptions,
  type ArgumentError,
} from './errors.js'
export {
  readErrorBody,
  redactTokens,
  scrubbedCause,
  unexpectedStatus,
  type AsErrorInfo,
} from './error-body.js'
export {
  callAs,
  toUmaError,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AsCallOptions,
  type AsResponse,
} from './http.js'
export { isJsonObject, numberMember, stringArray, stringMember, type JsonObject } from './json.js'
export { checkManualMetadata, resolveMetadata } from './metadata.js'
export {
  bearerClientAuth,
  callOAuthEndpoint,
  noClientAuth,
  resolveClientAuth,
  type OAuthClientSettings,
  type OAuthRequest,
} from './oauth-call.js'
export { createRedactor, redactJson, sentSecrets, type Redactor } from './scrub.js'
export { createSingleFlight, type SingleFlight } from './single-flight.js'
export type { AuthChallenge } from './types.js'
export {
  appendPathSegment,
  checkCredentialUrl,
  isHttpsOrLoopback,
  isLoopbackUrl,
  normalizeIssuer,
  normalizeSecureIssuer,
  sameIssuer,
} from './url.js'
