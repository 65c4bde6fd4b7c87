/**
 * @module The policy decision for one grant request: for each resource and scope asked for,
 * whether the requesting client is granted, must give claims, waits for the owner, or is denied.
 */
import { randomUUID } from 'node:crypto'
import type { AsState, GrantedPermission, PendingRequest } from './state.js'

/** What the policies say about a request, in the order a requesting party meets them. */
export type Decision =
  | { outcome: 'granted' }
  | { outcome: 'denied'; reason: string; scopes: string[]; claims: string[] }
  | { outcome: 'need_info'; claims: string[] }
  | { outcome: 'pending'; requests: PendingRequest[] }

function denied(reason: string, scopes: string[], claims: string[] = []): Decision {
  return { outcome: 'denied', reason, scopes, claims }
}

/**
 * Decides a grant request. Any denied scope denies the whole request; missing claims come
 * before the owner's approval, so the owner is asked only about identified parties.
 *
 * @param state - the AS's memory
 * @param clientId - the requesting client (the requesting party, in this development AS)
 * @param permissions - what the ticket (and `scope`) ask for
 * @param claims - claims given so far
 * @returns the decision
 */
export function decide(
  state: AsState,
  clientId: string,
  permissions: GrantedPermission[],
  claims: Readonly<Record<string, string>>,
): Decision {
  const missing = new Set<string>()
  const waiting: PendingRequest[] = []
  for (const permission of permissions) {
    const resource = state.resources.get(permission.resource_id)
    const policy = resource === undefined ? undefined : state.config.policies[resource.name]
    if (resource === undefined || policy?.owner !== resource.owner) {
      return denied('no policy for the resource', permission.resource_scopes)
    }
    for (const scope of permission.resource_scopes) {
      const rule = policy.scopes[scope]?.[clientId]
      if (rule === undefined) return denied(`no rule grants ${scope}`, [scope])
      for (const [name, expected] of Object.entries(rule.claims ?? {})) {
        const given = claims[name]
        if (given === undefined) missing.add(name)
        else if (given !== expected) return denied(`claim ${name} does not match`, [], [name])
      }
      if (rule.ownerApproval === true) {
        const key = `${clientId}|${resource._id}|${scope}`
        const request = state.requests.get(key)
        if (request?.status === 'denied') return denied('the owner refused', [scope])
        if (request?.status !== 'approved') {
          waiting.push(
            request ?? {
              id: randomUUID(),
              owner: resource.owner,
              clientId,
              resourceId: resource._id,
              resourceName: resource.name,
              scope,
              status: 'pending',
            },
          )
        }
      }
    }
  }
  if (missing.size > 0) return { outcome: 'need_info', claims: [...missing] }
  if (waiting.length > 0) {
    for (const request of waiting) {
      state.requests.set(`${request.clientId}|${request.resourceId}|${request.scope}`, request)
    }
    return { outcome: 'pending', requests: waiting }
  }
  return { outcome: 'granted' }
}

/**
 * Merges permissions, one entry per resource with the union of its scopes.
 *
 * @returns the merged list
 */
export function mergePermissions(...lists: GrantedPermission[][]): GrantedPermission[] {
  const byResource = new Map<string, Set<string>>()
  for (const permission of lists.flat()) {
    const scopes = byResource.get(permission.resource_id) ?? new Set<string>()
    for (const scope of permission.resource_scopes) scopes.add(scope)
    byResource.set(permission.resource_id, scopes)
  }
  return [...byResource].map(([resource_id, scopes]) => ({
    resource_id,
    resource_scopes: [...scopes].sort(),
  }))
}
