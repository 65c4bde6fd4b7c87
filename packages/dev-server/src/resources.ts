/**
 * @module Resource registration (UMA FedAuthz §3) in the spec's shape or Keycloak's: Keycloak
 * answers a creation with the whole resource and no `Location`, an update with 204, an unknown
 * id with an empty 404, and writes scopes as `{ name }` objects (Keycloak; see the README's vendor notes).
 */
import type { Request, Response, Router } from 'express'
import type { ServerContext } from './context.js'
import { oauthError, patClient } from './http.js'
import { readDescription } from './resource-input.js'
import {
  createResource,
  deleteResource,
  ownedResource,
  resourcesOf,
  updateResource,
} from './resource-store.js'
import type { StoredResource } from './state.js'

function present(ctx: ServerContext, resource: StoredResource): Record<string, unknown> {
  const { owner: _owner, rsClient: _rs, ...description } = resource
  if (ctx.shape === 'keycloak') {
    return {
      ...description,
      owner: { id: resource.owner, name: resource.owner },
      ownerManagedAccess: true,
      resource_scopes: resource.resource_scopes.map((name) => ({ name })),
    }
  }
  return description
}

function notFound(ctx: ServerContext, res: Response): void {
  if (ctx.shape === 'keycloak') res.status(404).end()
  else oauthError(res, 404, 'not_found', 'no such resource')
}

/** Answers 401 for a missing or bad PAT, as RFC 6750 says. */
export function requirePat(
  ctx: ServerContext,
  req: Request,
  res: Response,
): ReturnType<typeof patClient> {
  const rs = patClient(ctx.state, req)
  if (rs === undefined) {
    res.set('www-authenticate', 'Bearer error="invalid_token"')
    oauthError(res, 401, 'invalid_token', 'a valid PAT is required')
  }
  return rs
}

/**
 * The PAT holder and the resource of its own that the path names, or `undefined` once the
 * answer is sent (401 for a bad PAT, the shape's 404 for another's or an unknown resource).
 */
function requireOwnResource(ctx: ServerContext, req: Request<{ id: string }>, res: Response) {
  const rs = requirePat(ctx, req, res)
  if (rs === undefined) return undefined
  const resource = ownedResource(ctx, rs, req.params.id)
  if (resource === undefined) {
    notFound(ctx, res)
    return undefined
  }
  return { rs, resource }
}

function listIds(ctx: ServerContext, req: Request, rs: { clientId: string; owner: string }) {
  const name = typeof req.query.name === 'string' ? req.query.name : undefined
  const exact = req.query.exactName === 'true'
  let ids = resourcesOf(ctx, rs)
    .filter((r) => name === undefined || (exact ? r.name === name : r.name.includes(name)))
    .map((r) => r._id)
  const first = Number(req.query.first ?? 0)
  const max = Number(req.query.max ?? 100)
  if (Number.isInteger(first) && Number.isInteger(max) && first >= 0 && max > 0)
    ids = ids.slice(first, first + max)
  return ids
}

/**
 * Adds the resource registration routes of the spec or Keycloak shape at `paths.resources`.
 *
 * @param router - where to add them
 * @param ctx - the server
 */
export function resourceRoutes(router: Router, ctx: ServerContext): void {
  const path = ctx.paths.resources
  const keycloak = ctx.shape === 'keycloak'

  router.post(path, (req, res) => {
    const rs = requirePat(ctx, req, res)
    if (rs === undefined) return
    const description = readDescription(req.body)
    if (typeof description === 'string') {
      oauthError(res, 400, 'invalid_request', description)
      return
    }
    const resource = createResource(ctx, rs, description)
    if (resource === 'conflict') {
      oauthError(res, 409, 'invalid_request', 'a resource with this name exists')
      return
    }
    if (keycloak) {
      res.status(201).json(present(ctx, resource))
      return
    }
    res
      .status(201)
      .location(ctx.url(`${path}/${encodeURIComponent(resource._id)}`))
      .json({ _id: resource._id, user_access_policy_uri: ctx.url(`/policies/${resource._id}`) })
  })

  router.get(path, (req, res) => {
    const rs = requirePat(ctx, req, res)
    if (rs === undefined) return
    res.json(listIds(ctx, req, rs))
  })

  router.get(`${path}/:id`, (req, res) => {
    const found = requireOwnResource(ctx, req, res)
    if (found === undefined) return
    res.json(present(ctx, found.resource))
  })

  router.put(`${path}/:id`, (req, res) => {
    const found = requireOwnResource(ctx, req, res)
    if (found === undefined) return
    const { rs, resource } = found
    const description = readDescription(req.body)
    if (typeof description === 'string') {
      oauthError(res, 400, 'invalid_request', description)
      return
    }
    updateResource(ctx, rs, resource, description)
    if (keycloak) res.status(204).end()
    else res.status(200).json({ _id: resource._id })
  })

  router.delete(`${path}/:id`, (req, res) => {
    const found = requireOwnResource(ctx, req, res)
    if (found === undefined) return
    const { rs, resource } = found
    deleteResource(ctx, rs, resource)
    res.status(204).end()
  })
}
