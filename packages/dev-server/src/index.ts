/**
 * @module A development UMA 2.0 authorization server for uma-kit's demo and end-to-end tests:
 * the spec's wire formats, or Keycloak's paths and error codes. Not for production.
 */
export {
  createAuthorizationServer,
  type AuthorizationServer,
  type AuthorizationServerOptions,
} from './server.js'
export {
  checkConfig,
  loadConfig,
  PHOTOS_CONFIG_URL,
  type AsConfig,
  type ScopeRule,
} from './config.js'
export type { AsEvent, AsEventListener, AsEventType } from './events.js'
export type { AsMode, AsPaths } from './paths.js'
export type { PendingRequest } from './state.js'
export { JWT_CLAIMS_FORMAT, ID_TOKEN_FORMAT } from './token-endpoint.js'
