/**
 * @module `resources.ensure`: find a resource by name (and owner), create it when missing, and
 * never lose what the AS holds when it exists (scopes are merged, other fields kept).
 */
import { UmaError, type ResourceDescription } from '@uma-kit/core'
import type { JsonObject } from '@uma-kit/core/internal'
import type { ResourceRegistry } from './resources.js'

/** Lists resource ids with Keycloak's filters (other servers ignore them). */
export interface ResourceLister {
  (query: Record<string, string>): Promise<string[]>
  /** Whether the AS honours `?owner=` (Keycloak). */
  filtersByOwner(): Promise<boolean>
}

/** What `ensure` was given, checked: a description with a name. */
export type EnsureBody = JsonObject & { name: string; resource_scopes: string[] }

/**
 * Resources read one by one at most, for an AS that ignores Keycloak's `name` filter and lists
 * everything: past this, `ensure` refuses rather than read thousands or create a duplicate.
 */
export const MAX_ENSURE_READS = 200

/**
 * The owner a description names (Keycloak's `owner`: a username or id in, an object out).
 *
 * @param description - a description as sent or as read
 * @returns the owner's name or id, where there is one
 */
export function ownerOf(description: JsonObject | ResourceDescription): string | undefined {
  const owner = description.owner
  if (typeof owner === 'string' && owner !== '') return owner
  return undefined
}

/**
 * Whether a resource as read belongs to `owner` (any resource, when no owner is asked for).
 * Keycloak reads an owner back as `{ id }` only, so a username cannot be compared there; its
 * list filters by owner (`?owner=`) on the server, and a resource it listed for that owner is
 * taken as the owner's. Any other AS must say whose a resource is.
 *
 * @param found - the resource as the AS gave it
 * @param owner - a username or id
 * @param listedForOwner - the AS filtered its list by this owner (Keycloak)
 * @returns whether it is the owner's
 */
export function ownedBy(
  found: ResourceDescription,
  owner: string | undefined,
  listedForOwner = false,
): boolean {
  if (owner === undefined) return true
  const held = found.owner
  if (typeof held === 'string') return held === owner
  if (typeof held === 'object' && held !== null) {
    const { id, name } = held as { id?: unknown; name?: unknown }
    if (id === owner || name === owner) return true
    return listedForOwner && name === undefined
  }
  // an AS that does not say whose it is cannot be trusted to be the owner's
  return false
}

/**
 * What an update must send, or `undefined` when the resource already has every scope given:
 * what the AS holds, the given fields over it, and the scopes of both (never fewer).
 */
function merged(found: ResourceDescription, wanted: EnsureBody): JsonObject | undefined {
  const have = found.resource_scopes.map(String)
  const extraScopes = wanted.resource_scopes.filter((scope) => !have.includes(scope))
  if (extraScopes.length === 0) return undefined
  // the owner stays as the AS has it: ensure never moves a resource to another owner
  const { owner: _owner, ...given } = wanted
  return { ...found, ...given, resource_scopes: [...have, ...extraScopes] }
}

/**
 * Finds or creates the resource.
 *
 * @param registry - the AS's Resource Registration API
 * @param list - lists ids with Keycloak's filters (other servers ignore them)
 * @param wanted - the checked description
 * @returns the resource's id
 * @throws {UmaError} `conflict` when the AS lists more than {@link MAX_ENSURE_READS} resources
 *   without the one sought (it ignores the name filter), and as the registry calls
 */
export async function ensureResource(
  registry: ResourceRegistry,
  list: ResourceLister,
  wanted: EnsureBody,
): Promise<string> {
  const owner = ownerOf(wanted)
  const query: Record<string, string> = { name: wanted.name, exactName: 'true' }
  if (owner !== undefined) query.owner = owner
  const ids = await list(query)
  const listedForOwner = owner !== undefined && (await list.filtersByOwner())
  // SolidLab makes the name the id: look there first
  ids.sort((a, b) => Number(b === wanted.name) - Number(a === wanted.name))
  for (const [index, id] of ids.entries()) {
    if (index >= MAX_ENSURE_READS) {
      throw new UmaError(
        'conflict',
        `resources.ensure read ${MAX_ENSURE_READS} of the ${ids.length} resources the AS lists without finding "${wanted.name}": the AS ignores the name filter; look the resource up yourself, or use create()`,
      )
    }
    const found = await registry.read(id)
    if (found.name !== wanted.name || !ownedBy(found, owner, listedForOwner)) continue
    const update = merged(found, wanted)
    if (update !== undefined) await registry.update(id, update as ResourceDescription)
    return id
  }
  return (await registry.create(wanted))._id
}
