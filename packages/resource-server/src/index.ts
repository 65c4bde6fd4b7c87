/**
 * @module @uma-kit/resource-server: guard routes with UMA scopes, and call the AS's Protection
 * API (PAT, resource registration, permission tickets, introspection), for one AS or several.
 */
export { createResourceServer, type ResourceServer } from './create-resource-server.js'
export type {
  AuthorizationServerOptions,
  PatContext,
  PatSupplier,
  RptValidation,
} from './as-options.js'
export type { AuthorizeInput } from './authorize.js'
export type { CacheOptions } from './cache-options.js'
export type { AsCallLimits } from './limits-options.js'
export { UNREACHABLE_WARNING, type Allowed, type Denied } from './decision.js'
export { DECISION_CHANNEL_NAME } from './diagnostics.js'
export { umaContext, type RequireUmaScopeOptions, type UmaRequestContext } from './middleware.js'
export type {
  CommonOptions,
  DecisionEvent,
  DeniedHandler,
  IssuerResolver,
  MultiAsOptions,
  ResourceResolver,
  ResourceServerOptions,
  SingleAsOptions,
} from './options.js'
export type { ProtectionApi } from './protection-api.js'
export type { ReadyAttempt, ReadyOptions } from './ready.js'
export type { ResourceMetadataOptions } from './resource-metadata.js'
export type { ResourceName, ResourceRef } from './resource-ref.js'
export type { ResourceRegistry } from './resources.js'
export { redisStore, type RedisStoreOptions } from './shared/redis-store.js'
export type { RedisClientLike } from './shared/redis-client.js'
export type { SharedRptStore, SharedRptStoreListener } from './shared/store.js'
export {
  UmaError,
  isUmaError,
  type ClientAuth,
  type Permission,
  type PermissionRequest,
  type ResourceDescription,
  type RptIntrospection,
  type UmaErrorCode,
  type UmaServerMetadata,
} from '@uma-kit/core'
