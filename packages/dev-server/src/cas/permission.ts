/**
 * @module Apereo CAS's permission endpoint (Apereo CAS: see the README's vendor notes): ONE object with a numeric
 * `resource_id`, `resource_scopes` and optional `claims` (pushed into the ticket), answered 200
 * `{"ticket":"…","code":"CREATED"}`. CAS's tickets are reusable until they expire.
 */
import type { Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { ticketIssued } from '../permission.js'
import { readPermissionRequest } from '../resource-store.js'
import { issueTicket } from '../tickets.js'
import { casError, casProtection, casText } from './answers.js'

function pushedClaims(body: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {}
  if (typeof body.claims !== 'object' || body.claims === null) return claims
  for (const [name, value] of Object.entries(body.claims)) {
    if (typeof value === 'string') claims[name] = value
  }
  return claims
}

/**
 * Creates CAS's permission endpoint handler.
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function casPermissionEndpoint(ctx: ServerContext): (req: Request, res: Response) => void {
  return (req, res) => {
    const rs = casProtection(ctx, req, res)
    if (rs === undefined) return
    const body: unknown = req.body
    // CAS reads the body as one UmaPermissionRegistrationRequest: an array cannot be read
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      casText(res, 'Unable to complete the permission registration request.')
      return
    }
    const permission = readPermissionRequest(ctx, rs, body)
    if (permission === 'invalid_resource_id') {
      casError(res, 404, 'Requested resource-set cannot be found')
      return
    }
    if (permission === 'invalid_scope') {
      casError(res, 400, 'a scope the resource-set does not have')
      return
    }
    const claims = pushedClaims(body as Record<string, unknown>)
    const ticket = issueTicket(ctx.state, [permission], rs.clientId, claims)
    ticketIssued(ctx, rs.clientId, [permission])
    res.json({ ticket, code: 'CREATED' })
  }
}
