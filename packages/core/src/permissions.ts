/**
 * @module Reading an RPT's permissions whatever shape the AS gave them.
 */
import { isJsonObject, numberMember, stringMember, type JsonObject } from './json.js'
import type { Permission } from './types.js'

/** More entries than any real RPT carries; the rest are ignored so hostile input stays cheap. */
const MAX_PERMISSIONS = 10_000

function readScopes(entry: JsonObject): string[] {
  const raw = entry.resource_scopes ?? entry.scopes
  if (!Array.isArray(raw)) return []
  const scopes: string[] = []
  for (const scope of raw.slice(0, MAX_PERMISSIONS)) {
    if (typeof scope === 'string' && scope !== '') scopes.push(scope)
    // Keycloak writes scopes as {"name": "view"} in resource descriptions
    else if (isJsonObject(scope) && typeof scope.name === 'string' && scope.name !== '')
      scopes.push(scope.name)
  }
  return scopes
}

function readPermission(entry: unknown): Permission | undefined {
  if (!isJsonObject(entry)) return undefined
  const resourceId =
    stringMember(entry, 'resource_id') ??
    stringMember(entry, 'rsid') ??
    // resource_set_id: Keycloak's documentation still shows the UMA 1.0 name
    stringMember(entry, 'resource_set_id')
  if (resourceId === undefined) return undefined
  const permission: Permission = { resource_id: resourceId, resource_scopes: readScopes(entry) }
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    if (entry[name] === undefined || entry[name] === null) continue
    const time = numberMember(entry, name)
    // a time that cannot be read cannot be checked: the permission counts for nothing
    if (time === undefined) return undefined
    permission[name] = time
  }
  return permission
}

function permissionLists(source: unknown): unknown[][] {
  if (Array.isArray(source)) return [source]
  if (!isJsonObject(source)) return []
  const lists: unknown[][] = []
  if (Array.isArray(source.permissions)) lists.push(source.permissions)
  const authorization = source.authorization
  if (isJsonObject(authorization) && Array.isArray(authorization.permissions)) {
    lists.push(authorization.permissions)
  }
  return lists
}

/**
 * Folds the permissions of an introspection result or a JWT RPT's payload into the spec's
 * shape. Accepts the spec (`permissions[]` with `resource_id`, `resource_scopes`), Keycloak's JWT
 * and introspection (`authorization.permissions[]` with `rsid`, `rsname`, `scopes`), Keycloak's
 * `requesting_party_token` introspection (both name sets), scopes as strings or `{name}` objects,
 * and a bare array of permissions. When both `permissions` and `authorization.permissions` are
 * present, both are read.
 *
 * Entries without a resource id, or with an `exp`, `iat` or `nbf` that is neither a number nor a
 * numeric string, are dropped; scopes that are not non-empty strings are dropped;
 * an entry with no scopes grants none (the spec's reading; Keycloak's "any scope" is not
 * assumed). Unknown shapes give `[]`. Never throws.
 *
 * @param source - an introspection response, a JWT payload, or an array of permissions
 * @returns the permissions
 * @see UMA FedAuthz §5.1.1, RFC 7662 §2.2 and UMA FedAuthz §5.1.1 and §6.1
 */
export function normalizePermissions(source: unknown): Permission[] {
  try {
    const permissions: Permission[] = []
    for (const list of permissionLists(source)) {
      for (const entry of list.slice(0, MAX_PERMISSIONS)) {
        const permission = readPermission(entry)
        if (permission !== undefined) permissions.push(permission)
      }
    }
    return permissions
  } catch {
    // a hostile getter or proxy: no permissions, rather than an exception in an auth path
    return []
  }
}
