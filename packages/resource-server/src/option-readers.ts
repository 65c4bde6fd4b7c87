/**
 * @module Small checks for option values: each names the option and what it received, never
 * echoing a value that may be a secret.
 */
import { argumentError, describeReceived } from '@uma-kit/core/internal'

/**
 * An optional function.
 *
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the function type checked for
export function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.${name} must be a function, received ${describeReceived(value)}`,
    )
  }
  return value as T
}

/**
 * A required non-empty string.
 *
 * @internal
 */
export function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.${name} must be a non-empty string, received ${describeReceived(value)}`,
    )
  }
  return value
}

/**
 * One of a few allowed values.
 *
 * @internal
 */
export function oneOf<T extends string | false>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (!allowed.includes(value as T)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    )
  }
  return value as T
}

/**
 * A finite number, at least `min`, optionally an integer.
 *
 * @internal
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = {},
): number {
  if (value === undefined) return fallback
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be a${integer ? 'n integer' : ' number'} from ${min} to ${max}, received ${describeReceived(value)}`,
    )
  }
  return value
}

/**
 * A header-safe text: printable ASCII only, since a header value with other characters either
 * fails to send (Node refuses CR, LF and characters past U+00FF) or reaches clients garbled.
 *
 * @internal
 */
export function headerText(name: string, value: unknown): string {
  const text = requiredString(name, value)
  if (!/^[\x20-\x7e]*$/.test(text) || text.length > 256) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be at most 256 printable ASCII characters (it goes into WWW-Authenticate)`,
    )
  }
  return text
}
