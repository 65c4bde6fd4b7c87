/**
 * @module Caller mistakes: a `TypeError` with Node's `code`, naming what was wrong, as the rest
 * of uma-kit throws them.
 */

/** A `TypeError` carrying `ERR_INVALID_ARG_TYPE` or `ERR_INVALID_ARG_VALUE`. */
export type ArgumentError = TypeError & { code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' }

/**
 * Makes an argument error.
 *
 * @param code - Node's code for the mistake
 * @param message - what was wrong, naming the option; never a secret
 * @returns the error, to throw
 */
export function argumentError(code: ArgumentError['code'], message: string): ArgumentError {
  return Object.assign(new TypeError(message), { code })
}
