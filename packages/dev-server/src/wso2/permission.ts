/**
 * @module WSO2 Identity Server's permission endpoint (WSO2 IS: see the README's vendor notes): an array only, answered 201
 * `{"ticket":"<uuid>"}`; errors as `{"error","errorDescription"}`, in camelCase.
 */
import { randomUUID } from 'node:crypto'
import type { Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { patClient } from '../http.js'
import { MAX_PERMISSIONS, ticketIssued } from '../permission.js'
import { readPermissionRequest } from '../resource-store.js'
import type { GrantedPermission } from '../state.js'
import { issueTicket } from '../tickets.js'

function wso2Error(res: Response, status: number, error: string, errorDescription: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error, errorDescription })
}

/**
 * Creates WSO2's permission endpoint handler.
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function wso2PermissionEndpoint(ctx: ServerContext): (req: Request, res: Response) => void {
  return (req, res) => {
    const rs = patClient(ctx.state, req)
    if (rs === undefined) {
      wso2Error(res, 401, 'unauthorized', 'Unauthorized user.')
      return
    }
    const body: unknown = req.body
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_PERMISSIONS) {
      wso2Error(res, 400, 'invalid_request', 'The request body must be an array.')
      return
    }
    const permissions: GrantedPermission[] = []
    for (const entry of body as unknown[]) {
      const permission = readPermissionRequest(ctx, rs, entry)
      if (permission === 'invalid_resource_id') {
        wso2Error(res, 400, permission, 'Permission request failed with bad resource ID.')
        return
      }
      if (permission === 'invalid_scope') {
        wso2Error(res, 400, permission, 'Permission request failed with bad resource scope.')
        return
      }
      permissions.push(permission)
    }
    const ticket = issueTicket(ctx.state, permissions, rs.clientId, {}, randomUUID())
    ticketIssued(ctx, rs.clientId, permissions)
    res.status(201).json({ ticket })
  }
}
