/**
 * @module WSO2 Identity Server's resource registration (WSO2 IS: see the README's vendor notes): create 201 `{"_id"}` with
 * `Location`, read 200, list a bare array, update **201** `{"_id"}`, delete 204, and errors as
 * `{"code","description"}` (404 `not_found`, 400 `invalid_request`, 409 `conflict`, 401
 * `Unauthorized`).
 */
import type { Request, Response, Router } from 'express'
import type { ServerContext } from '../context.js'
import { patClient } from '../http.js'
import { readDescription } from '../resource-input.js'
import {
  createResource,
  deleteResource,
  ownedResource,
  resourcesOf,
  updateResource,
} from '../resource-store.js'
import type { StoredResource } from '../state.js'

function wso2Error(res: Response, status: number, code: string, description: string): void {
  res.status(status).set('cache-control', 'no-store').json({ code, description })
}

function guard(ctx: ServerContext, req: Request, res: Response) {
  const rs = patClient(ctx.state, req)
  if (rs === undefined) wso2Error(res, 401, 'Unauthorized', 'Unauthorized User.')
  return rs
}

function present(resource: StoredResource): Record<string, unknown> {
  const { owner: _owner, rsClient: _rs, ...description } = resource
  return description
}

/**
 * Adds WSO2's resource registration routes at `paths.resources`.
 *
 * @param router - where to add them
 * @param ctx - the server
 */
export function wso2ResourceRoutes(router: Router, ctx: ServerContext): void {
  const path = ctx.paths.resources
  const find = (req: Request, res: Response) => {
    const rs = guard(ctx, req, res)
    if (rs === undefined) return undefined
    const resource = ownedResource(ctx, rs, String(req.params.id))
    if (resource === undefined) wso2Error(res, 404, 'not_found', 'Resource not found.')
    return resource === undefined ? undefined : { rs, resource }
  }

  router.post(path, (req, res) => {
    const rs = guard(ctx, req, res)
    if (rs === undefined) return
    const description = readDescription(req.body)
    if (typeof description === 'string') {
      wso2Error(res, 400, 'invalid_request', description)
      return
    }
    const resource = createResource(ctx, rs, description)
    if (resource === 'conflict') {
      wso2Error(res, 409, 'conflict', 'Resource already exists.')
      return
    }
    res
      .status(201)
      .location(ctx.url(`${path}/${resource._id}`))
      .json({ _id: resource._id })
  })

  router.get(path, (req, res) => {
    const rs = guard(ctx, req, res)
    if (rs !== undefined) res.json(resourcesOf(ctx, rs).map((r) => r._id))
  })

  router.get(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found !== undefined) res.json(present(found.resource))
  })

  router.put(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found === undefined) return
    const description = readDescription(req.body)
    if (typeof description === 'string') {
      wso2Error(res, 400, 'invalid_request', description)
      return
    }
    updateResource(ctx, found.rs, found.resource, description)
    res.status(201).json({ _id: found.resource._id })
  })

  router.delete(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found === undefined) return
    deleteResource(ctx, found.rs, found.resource)
    res.status(204).end()
  })
}
