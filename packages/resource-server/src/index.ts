/**
 * @module @uma-kit/resource-server: guard routes with UMA scopes, and call the AS's Protection
 * API (PAT, resource registration, permission tickets, introspection).
 */
export { createResourceServer, type ResourceServer } from './create-resource-server.js'
export type { AuthorizeInput } from './authorize.js'
export { UNREACHABLE_WARNING, type Allowed, type Denied } from './decision.js'
export type { RequireUmaScopeOptions, UmaRequestContext } from './middleware.js'
export type {
  DecisionEvent,
  DeniedHandler,
  ResourceResolver,
  ResourceServerOptions,
} from './options.js'
export type { ResourceRegistry } from './resources.js'
export {
  UmaError,
  isUmaError,
  type Permission,
  type PermissionRequest,
  type ResourceDescription,
  type RptIntrospection,
  type UmaErrorCode,
  type UmaServerMetadata,
} from '@uma-kit/core'
