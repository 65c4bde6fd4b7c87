/**
 * @module Registered resources, whatever the wire shape: creating, finding, updating and deleting
 * them with their events, and reading permission requests against them. Each shape's routes only
 * choose the paths, the status codes and the bodies.
 */
import { randomUUID } from 'node:crypto'
import type { ServerContext } from './context.js'
import { readScopes, type Description } from './resource-input.js'
import type { GrantedPermission, StoredResource } from './state.js'

/** The resource server behind a PAT. */
export interface RsIdentity {
  readonly clientId: string
  readonly owner: string
}

/** A new resource id: a UUID, or the next number in the CAS shape (CAS numbers resources). */
export function newResourceId(ctx: ServerContext): string {
  if (ctx.shape !== 'cas') return randomUUID()
  ctx.state.lastResourceNumber += 1
  return String(ctx.state.lastResourceNumber)
}

/**
 * Registers a resource for the RS's owner.
 *
 * @returns the resource, or `'conflict'` when the owner has one of that name already
 */
export function createResource(
  ctx: ServerContext,
  rs: RsIdentity,
  description: Description,
): StoredResource | 'conflict' {
  for (const existing of ctx.state.resources.values()) {
    if (existing.owner === rs.owner && existing.name === description.name) return 'conflict'
  }
  const resource: StoredResource = {
    _id: newResourceId(ctx),
    owner: rs.owner,
    rsClient: rs.clientId,
    ...description,
  }
  ctx.state.resources.set(resource._id, resource)
  ctx.emit({
    type: 'resource_registered',
    clientId: rs.clientId,
    message: `${rs.clientId} registered ${resource.name} [${resource.resource_scopes.join(' ')}] for ${rs.owner}`,
  })
  return resource
}

/** The resource of this id, if this RS registered it. */
export function ownedResource(
  ctx: ServerContext,
  rs: RsIdentity,
  id: string,
): StoredResource | undefined {
  const resource = ctx.state.resources.get(id)
  return resource?.rsClient === rs.clientId ? resource : undefined
}

/** The resources this RS registered, in registration order. */
export function resourcesOf(ctx: ServerContext, rs: RsIdentity): StoredResource[] {
  return [...ctx.state.resources.values()].filter((r) => r.rsClient === rs.clientId)
}

/** Replaces a resource's description (FedAuthz §3.2: the whole description). */
export function updateResource(
  ctx: ServerContext,
  rs: RsIdentity,
  resource: StoredResource,
  description: Description,
): StoredResource {
  const updated: StoredResource = {
    _id: resource._id,
    owner: resource.owner,
    rsClient: resource.rsClient,
    ...description,
  }
  ctx.state.resources.set(resource._id, updated)
  ctx.emit({
    type: 'resource_updated',
    clientId: rs.clientId,
    message: `${rs.clientId} updated ${updated.name}`,
  })
  return updated
}

/** Deletes a resource. */
export function deleteResource(ctx: ServerContext, rs: RsIdentity, resource: StoredResource): void {
  ctx.state.resources.delete(resource._id)
  ctx.emit({
    type: 'resource_deleted',
    clientId: rs.clientId,
    message: `${rs.clientId} deleted ${resource.name}`,
  })
}

/**
 * Reads one requested permission against this RS's resources.
 *
 * @param byName - whether a resource name may stand for its id (Keycloak, Keycloak: see the README's vendor notes)
 * @returns the permission, or the OAuth error code to answer with
 */
export function readPermissionRequest(
  ctx: ServerContext,
  rs: RsIdentity,
  entry: unknown,
  byName = false,
): GrantedPermission | 'invalid_resource_id' | 'invalid_scope' {
  const record =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {}
  const id =
    typeof record.resource_id === 'number' ? String(record.resource_id) : record.resource_id
  let resource = typeof id === 'string' ? ownedResource(ctx, rs, id) : undefined
  if (resource === undefined && byName && typeof id === 'string') {
    // names are unique per owner only: the PAT's owner decides which resource a name means
    resource = resourcesOf(ctx, rs).find((r) => r.name === id && r.owner === rs.owner)
  }
  if (resource === undefined) return 'invalid_resource_id'
  const scopes = readScopes(record.resource_scopes, true)
  if (scopes === undefined || scopes.some((s) => !resource.resource_scopes.includes(s))) {
    return 'invalid_scope'
  }
  return { resource_id: resource._id, resource_scopes: scopes }
}
