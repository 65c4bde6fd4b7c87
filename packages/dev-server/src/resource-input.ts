/**
 * @module Resource descriptions as resource servers send them (UMA FedAuthz §3.1): scope names
 * as strings or Keycloak's `{ name }` objects, a required `name`, and the optional members kept.
 */
import type { StoredResource } from './state.js'

/** A resource description as a resource server sends it. */
export type Description = Omit<StoredResource, '_id' | 'owner' | 'rsClient'>

const SCOPE = /^[\x21-\x7e]{1,200}$/

/**
 * Reads `resource_scopes` as strings, or Keycloak's `{ name }` objects.
 *
 * @returns the scope names without duplicates, or `undefined` for anything else
 */
export function readScopes(value: unknown, allowEmpty = false): string[] | undefined {
  if (!Array.isArray(value) || value.length > 100) return undefined
  if (value.length === 0 && !allowEmpty) return undefined
  const scopes: string[] = []
  for (const entry of value as unknown[]) {
    const name: unknown =
      typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : entry
    if (typeof name !== 'string' || !SCOPE.test(name)) return undefined
    scopes.push(name)
  }
  return [...new Set(scopes)]
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  return typeof value === 'string' && value.length <= 2048 ? value : undefined
}

/**
 * Reads a resource description from a parsed JSON body.
 *
 * @returns the description, or a message saying what is wrong with the body
 */
export function readDescription(body: unknown): Description | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the body must be a JSON object'
  const record = body as Record<string, unknown>
  const scopes = readScopes(record.resource_scopes)
  if (scopes === undefined) return 'resource_scopes must be a non-empty array of scope names'
  const name = optionalString(record, 'name')
  if (name === undefined || name === '') return 'name is required'
  const out: Description = { name, resource_scopes: scopes }
  for (const member of ['type', 'icon_uri', 'description', 'uri'] as const) {
    const value = optionalString(record, member)
    if (value !== undefined) out[member] = value
  }
  return out
}
