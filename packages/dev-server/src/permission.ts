/**
 * @module The permission endpoint (UMA FedAuthz §4) in the spec's shape or Keycloak's: one
 * permission or an array, answered 201 with a ticket. The spec's tickets are opaque and
 * single-use; Keycloak's are signed JWTs, reusable until the `exp` it copies from the PAT, and
 * its `resource_id` may be a resource's name (Keycloak; see the README's vendor notes).
 */
import type { Request, Response } from 'express'
import type { ServerContext } from './context.js'
import { oauthError } from './http.js'
import { readPermissionRequest } from './resource-store.js'
import { requirePat } from './resources.js'
import { describePermissions, type GrantedPermission } from './state.js'
import { issueTicket, signTicket } from './tickets.js'

/** At most this many permissions in one request. */
export const MAX_PERMISSIONS = 50

/** Reports an issued ticket. */
export function ticketIssued(
  ctx: ServerContext,
  clientId: string,
  permissions: GrantedPermission[],
  note = '',
): void {
  ctx.emit({
    type: 'ticket_issued',
    clientId,
    message: `permission ticket issued to ${clientId} for ${describePermissions(ctx.state, permissions)}${note}`,
  })
}

/**
 * Creates the permission endpoint's handler of the spec or Keycloak shape.
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function permissionEndpoint(
  ctx: ServerContext,
): (req: Request, res: Response) => Promise<void> {
  const keycloak = ctx.shape === 'keycloak'
  return async (req, res) => {
    const rs = requirePat(ctx, req, res)
    if (rs === undefined) return
    const body: unknown = req.body
    const list: unknown[] = Array.isArray(body) ? body : [body]
    if (list.length === 0 || list.length > MAX_PERMISSIONS) {
      const error = keycloak ? 'invalid_permission_request' : 'invalid_request'
      oauthError(res, 400, error, `one to ${MAX_PERMISSIONS} permissions`)
      return
    }
    const permissions: GrantedPermission[] = []
    for (const entry of list) {
      const permission = readPermissionRequest(ctx, rs, entry, keycloak)
      if (permission === 'invalid_resource_id') {
        oauthError(res, 400, permission, 'no such resource for this resource server')
        return
      }
      if (permission === 'invalid_scope') {
        oauthError(res, 400, permission, 'a scope the resource does not have')
        return
      }
      permissions.push(permission)
    }
    if (keycloak) {
      const ticket = await signTicket(ctx, permissions, rs.clientId, rs.expiresAt)
      ticketIssued(ctx, rs.clientId, permissions, ' (a reusable JWT, valid as long as the PAT)')
      res.status(201).json({ ticket })
      return
    }
    const ticket = issueTicket(ctx.state, permissions, rs.clientId)
    ticketIssued(ctx, rs.clientId, permissions)
    res.status(201).json({ ticket })
  }
}
