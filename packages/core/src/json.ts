/**
 * @module Guards that narrow `unknown` wire data before it is used.
 */

/** A parsed JSON object (not an array, not `null`). */
export type JsonObject = { readonly [member: string]: unknown }

/**
 * Tells a JSON object from arrays, `null` and primitives.
 *
 * @param value - parsed JSON or anything else
 * @returns whether `value` is a plain object
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads a member that must be a non-empty string.
 *
 * @param source - a JSON object
 * @param name - the member
 * @returns the string, or `undefined` when absent, empty or of another type
 */
export function stringMember(source: JsonObject, name: string): string | undefined {
  const value = source[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Reads a member that must be a finite number; numeric strings (seen in some vendors' `exp`)
 * are accepted too.
 *
 * @param source - a JSON object
 * @param name - the member
 * @returns the number, or `undefined`
 */
export function numberMember(source: JsonObject, name: string): number | undefined {
  const value = source[name]
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && /^\d{1,15}(\.\d+)?$/.test(value)) return Number(value)
  return undefined
}

/**
 * Reads an array of strings; a single string is taken as a one-element array, non-strings are
 * dropped.
 *
 * @param value - a member's value
 * @returns the strings (possibly empty)
 */
export function stringArray(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value]
  if (!Array.isArray(value)) return []
  return value.filter((v): v is string => typeof v === 'string' && v !== '')
}
