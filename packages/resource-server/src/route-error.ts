/**
 * @module What the Express guard passes to `next(err)`: always an `UmaError`, whose `status` is
 * 500 (never the AS's), whose `expose` is false, and whose `stack` is one generic line, because
 * Express's final handler answers with `err.status` and, outside production, prints `err.stack`
 * to the client. The message keeps every detail for the server's log, and is made enumerable so
 * that `console.error(err)` and `util.inspect` still show it.
 */
import { UmaError, isUmaError } from '@uma-kit/core'

/**
 * The error to hand to `next(err)`.
 *
 * @param err - what the decision or the resolver threw
 * @returns an `UmaError` safe to reach any error handler: status 500, a one-line stack, the
 *   AS's status as `asStatus`, the original error as `cause`
 */
export function toRouteError(err: unknown): UmaError {
  const source = isUmaError(err)
    ? err
    : new UmaError('internal_error', 'the UMA guard failed', { cause: err })
  const copy = new UmaError(source.code, source.message, {
    asStatus: source.asStatus,
    error: source.error,
    errorDescription: source.errorDescription,
    cause: source.cause,
  })
  // frames and paths say too much to a client, and so does what the AS answered
  Object.defineProperty(copy, 'stack', {
    value: `UmaError [${copy.code}]: the request could not be authorized (details in the server's log)`,
    writable: true,
    configurable: true,
  })
  Object.defineProperty(copy, 'message', { enumerable: true })
  return copy
}
