/**
 * @module @uma-kit/client: a fetch that answers UMA challenges by itself.
 */
export { UmaError, isUmaError, type UmaErrorCode } from '@uma-kit/core'
