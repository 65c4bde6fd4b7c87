/**
 * @module @uma-kit/core: discovery, the UMA challenge, permissions, errors and wire types shared
 * by `@uma-kit/resource-server` and `@uma-kit/client`.
 *
 * This entry point is the public, semver-kept surface. `@uma-kit/core/internal` holds what the
 * sibling packages share (HTTP calls, option readers, scrubbing); it is not part of the public
 * API and may change in any release.
 */
export { parseUmaChallenge, formatUmaChallenge } from './challenge.js'
export {
  discover,
  createDiscoveryCache,
  type DiscoverOptions,
  type DiscoveryCache,
  type DiscoveryCacheOptions,
} from './discovery.js'
export { UmaError, isUmaError, type UmaErrorCode, type UmaErrorDetails } from './errors.js'
export type { ClientAuth } from './oauth-call.js'
export { normalizePermissions } from './permissions.js'
export {
  UMA_TICKET_GRANT,
  ID_TOKEN_CLAIM_FORMAT,
  type Permission,
  type PermissionRequest,
  type RequiredClaim,
  type ResourceDescription,
  type RptIntrospection,
  type ScopeObject,
  type TokenResponse,
  type OAuthErrorResponse,
  type UmaChallenge,
  type UmaServerMetadata,
} from './types.js'
