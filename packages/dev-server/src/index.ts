/**
 * @module `@uma-kit/dev-server`: a development UMA 2.0 authorization server, in memory, in four
 * wire shapes (the specs', Keycloak's, Apereo CAS's, WSO2 Identity Server's). For trying uma-kit
 * and testing resource servers and clients; not for production. Test-suite helpers are in
 * `@uma-kit/dev-server/testing`.
 */
export { startDevServer, resolveConfig, type DevServerOptions } from './start.js'
export { createDevServer, type CreateDevServerOptions, type DevServer } from './server.js'
export {
  checkConfig,
  loadConfig,
  PHOTOS_CONFIG_URL,
  type AsConfig,
  type AsConfigInput,
  type ClientConfig,
  type ResourcePolicy,
  type ScopeRule,
} from './config.js'
export type { DevServerMetadata } from './discovery.js'
export type { AsEvent, AsEventListener, AsEventType } from './events.js'
export { DEV_SERVER_SHAPES, type AsPaths, type DevServerShape } from './shapes.js'
export type { AsState, GrantedPermission, PendingRequest, StoredResource } from './state.js'
export type { MintRptOptions, SeedResource } from './seed.js'
export { ID_TOKEN_FORMAT, JWT_CLAIMS_FORMAT, UMA_TICKET_GRANT } from './claim-tokens.js'
