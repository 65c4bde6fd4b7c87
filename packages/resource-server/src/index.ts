/**
 * @module @uma-kit/resource-server: guard routes with UMA scopes.
 */
export { UmaError, isUmaError, type UmaErrorCode } from '@uma-kit/core'
