/**
 * @module The resource owner's small endpoint: list requests waiting for approval, approve or
 * deny one (the `request_submitted` flow of UMA Grant §3.3.6).
 */
import type { Request, Response, Router } from 'express'
import type { ServerContext } from './context.js'
import type { AsEventListener } from './events.js'
import { authenticateOwner, oauthError } from './http.js'
import type { AsState, PendingRequest } from './state.js'

/**
 * Records the owner's decision on a request.
 *
 * @returns the updated request, or `undefined` when there is no such request of this owner
 */
export function decideRequest(
  state: AsState,
  owner: string,
  id: string,
  decision: 'approve' | 'deny',
  emit: AsEventListener,
): PendingRequest | undefined {
  for (const request of state.requests.values()) {
    if (request.id !== id || request.owner !== owner) continue
    request.status = decision === 'approve' ? 'approved' : 'denied'
    emit({
      type: 'owner_decision',
      clientId: request.clientId,
      message: `${owner} ${request.status} ${request.clientId}'s request to ${request.scope} ${request.resourceName}`,
    })
    return { ...request }
  }
  return undefined
}

/**
 * Adds the owner routes at `paths.ownerRequests`: `GET` lists, `POST <path>/<id>` with
 * `{"decision": "approve"}` or `"deny"` decides. Owners authenticate with Basic credentials from
 * the configuration.
 *
 * @param router - where to add them
 * @param ctx - the server
 */
export function ownerRoutes(router: Router, ctx: ServerContext): void {
  const { state, emit } = ctx
  const path = ctx.paths.ownerRequests
  const guard = (req: Request, res: Response) => {
    const owner = authenticateOwner(state, req)
    if (owner === undefined) {
      res.set('www-authenticate', 'Basic realm="owner"')
      oauthError(res, 401, 'unauthorized', 'owner credentials are required')
    }
    return owner
  }
  router.get(path, (req, res) => {
    const owner = guard(req, res)
    if (owner === undefined) return
    res.json(
      [...state.requests.values()].filter((r) => r.owner === owner && r.status === 'pending'),
    )
  })
  router.post(`${path}/:id`, (req, res) => {
    const owner = guard(req, res)
    if (owner === undefined) return
    const decision: unknown = (req.body as { decision?: unknown } | undefined)?.decision
    if (decision !== 'approve' && decision !== 'deny') {
      oauthError(res, 400, 'invalid_request', 'decision must be "approve" or "deny"')
      return
    }
    const request = decideRequest(state, owner, req.params.id, decision, emit)
    if (request === undefined) {
      oauthError(res, 404, 'not_found', 'no such request')
      return
    }
    res.json(request)
  })
}
