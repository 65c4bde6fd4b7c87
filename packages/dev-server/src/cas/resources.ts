/**
 * @module Apereo CAS's resource-set registration (Apereo CAS: see the README's vendor notes): numeric ids; create → 200
 * `{"entity":{…},"code":"CREATED","resourceId":7,"location":"…"}`; read → `{"entity":…,
 * "code":"FOUND"}`; list → numbers; update needs the id in the body (`_id`, or `id` as CAS 7
 * names it) with `name` and scopes; delete → 200 `{"code":"NO_CONTENT","resourceId":7}`. The
 * entity is CAS's `ResourceSet`: `scopes` and `iconUri`, not the UMA names.
 */
import type { Request, Response, Router } from 'express'
import type { ServerContext } from '../context.js'
import { readDescription } from '../resource-input.js'
import {
  createResource,
  deleteResource,
  ownedResource,
  resourcesOf,
  updateResource,
  type RsIdentity,
} from '../resource-store.js'
import type { StoredResource } from '../state.js'
import { casError, casProtection } from './answers.js'

function entity(resource: StoredResource): Record<string, unknown> {
  return {
    id: Number(resource._id),
    name: resource.name,
    uri: resource.uri ?? null,
    type: resource.type ?? null,
    scopes: resource.resource_scopes,
    iconUri: resource.icon_uri ?? null,
    owner: resource.owner,
    clientId: resource.rsClient,
    policies: [],
  }
}

function bodyId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { _id, id } = body as { _id?: unknown; id?: unknown }
  const value = _id ?? id
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined
}

/**
 * Adds CAS's resource-set routes at `paths.resources`.
 *
 * @param router - where to add them
 * @param ctx - the server
 */
export function casResourceRoutes(router: Router, ctx: ServerContext): void {
  const path = ctx.paths.resources
  const location = (resource: StoredResource) => ctx.url(`${path}/${resource._id}`)
  const find = (req: Request, res: Response): [RsIdentity, StoredResource] | undefined => {
    const rs = casProtection(ctx, req, res)
    if (rs === undefined) return undefined
    const resource = ownedResource(ctx, rs, String(req.params.id))
    if (resource === undefined) casError(res, 404, 'Requested resource-set cannot be found')
    return resource === undefined ? undefined : [rs, resource]
  }

  router.post(path, (req, res) => {
    const rs = casProtection(ctx, req, res)
    if (rs === undefined) return
    const description = readDescription(req.body)
    if (typeof description === 'string') {
      casError(res, 400, description)
      return
    }
    const resource = createResource(ctx, rs, description)
    if (resource === 'conflict') {
      casError(res, 409, 'a resource-set with this name exists')
      return
    }
    res.json({
      entity: entity(resource),
      code: 'CREATED',
      resourceId: Number(resource._id),
      location: location(resource),
    })
  })

  router.get(path, (req, res) => {
    const rs = casProtection(ctx, req, res)
    if (rs !== undefined) res.json(resourcesOf(ctx, rs).map((r) => Number(r._id)))
  })

  router.get(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found !== undefined) res.json({ entity: entity(found[1]), code: 'FOUND' })
  })

  router.put(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found === undefined) return
    const [rs, resource] = found
    const description = readDescription(req.body)
    if (typeof description === 'string' || bodyId(req.body) !== resource._id) {
      casError(res, 404, 'Provided resource-set body is missing required fields')
      return
    }
    const updated = updateResource(ctx, rs, resource, description)
    res.json({
      entity: entity(updated),
      resourceId: Number(updated._id),
      location: location(updated),
    })
  })

  router.delete(`${path}/:id`, (req, res) => {
    const found = find(req, res)
    if (found === undefined) return
    deleteResource(ctx, found[0], found[1])
    res.json({ code: 'NO_CONTENT', resourceId: Number(found[1]._id) })
  })
}
