/**
 * @module The Protection API: resource registration (UMA FedAuthz §3), the permission endpoint
 * (§4) and token introspection (§5, RFC 7662), in the spec's shape or Keycloak's.
 */
import { randomUUID } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import type { AsEventListener } from './events.js'
import { authenticateClient, formOf, oauthError, patClient } from './http.js'
import type { AsMode } from './paths.js'
import { readRpt } from './rpt.js'
import {
  issueTicket,
  type AsState,
  type GrantedPermission,
  type StoredResource,
  describePermissions,
  resourceName,
} from './state.js'

/** What the Protection API needs to know about its server. */
export interface ProtectionContext {
  readonly state: AsState
  readonly mode: AsMode
  issuer(): string
  readonly emit: AsEventListener
}

const SCOPE = /^[\x21-\x7e]{1,200}$/

/** Reads `resource_scopes` as strings, or Keycloak's `{ name }` objects. */
function readScopes(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) return undefined
  const scopes: string[] = []
  for (const entry of value) {
    const name: unknown =
      typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : entry
    if (typeof name !== 'string' || !SCOPE.test(name)) return undefined
    scopes.push(name)
  }
  return [...new Set(scopes)]
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  return typeof value === 'string' && value.length <= 2048 ? value : undefined
}

function readDescription(
  body: unknown,
): Omit<StoredResource, '_id' | 'owner' | 'rsClient'> | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the body must be a JSON object'
  const record = body as Record<string, unknown>
  const scopes = readScopes(record.resource_scopes)
  if (scopes === undefined) return 'resource_scopes must be a non-empty array of scope names'
  const name = optionalString(record, 'name')
  if (name === undefined || name === '') return 'name is required'
  const out: Omit<StoredResource, '_id' | 'owner' | 'rsClient'> = { name, resource_scopes: scopes }
  const type = optionalString(record, 'type')
  if (type !== undefined) out.type = type
  const icon = optionalString(record, 'icon_uri')
  if (icon !== undefined) out.icon_uri = icon
  const description = optionalString(record, 'description')
  if (description !== undefined) out.description = description
  return out
}

function present(ctx: ProtectionContext, resource: StoredResource): Record<string, unknown> {
  const { owner: _owner, rsClient: _rs, ...description } = resource
  if (ctx.mode === 'keycloak') {
    return {
      ...description,
      owner: { id: resource.owner, name: resource.owner },
      ownerManagedAccess: true,
      resource_scopes: resource.resource_scopes.map((name) => ({ name })),
    }
  }
  return description
}

function notFound(ctx: ProtectionContext, res: Response): void {
  if (ctx.mode === 'keycloak') res.status(404).end()
  else oauthError(res, 404, 'not_found', 'no such resource')
}

/**
 * Adds the resource registration routes at `path`.
 *
 * @param router - where to add them
 * @param path - the `resource_registration_endpoint` path
 * @param ctx - the server's state and settings
 */
export function resourceRoutes(router: Router, path: string, ctx: ProtectionContext): void {
  const { state } = ctx
  const guard = (req: Request, res: Response) => {
    const rs = patClient(state, req)
    if (rs === undefined) {
      res.set('www-authenticate', 'Bearer error="invalid_token"')
      oauthError(res, 401, 'invalid_token', 'a valid PAT is required')
    }
    return rs
  }
  const owned = (rs: { clientId: string }, id: string) => {
    const resource = state.resources.get(id)
    return resource?.rsClient === rs.clientId ? resource : undefined
  }

  router.post(path, (req, res) => {
    const rs = guard(req, res)
    if (rs === undefined) return
    const description = readDescription(req.body)
    if (typeof description === 'string') return oauthError(res, 400, 'invalid_request', description)
    for (const existing of state.resources.values()) {
      if (existing.owner === rs.owner && existing.name === description.name) {
        return oauthError(res, 409, 'invalid_request', 'a resource with this name exists')
      }
    }
    const resource: StoredResource = {
      _id: randomUUID(),
      owner: rs.owner,
      rsClient: rs.clientId,
      ...description,
    }
    state.resources.set(resource._id, resource)
    ctx.emit({
      type: 'resource_registered',
      clientId: rs.clientId,
      message: `${rs.clientId} registered ${resource.name} [${resource.resource_scopes.join(' ')}] for ${rs.owner}`,
    })
    const location = `${ctx.issuer()}${path}/${resource._id}`
    if (ctx.mode === 'keycloak') {
      res.status(201).json(present(ctx, resource))
      return
    }
    res
      .status(201)
      .location(location)
      .json({
        _id: resource._id,
        user_access_policy_uri: `${ctx.issuer()}/policies/${resource._id}`,
      })
  })

  router.get(path, (req, res) => {
    const rs = guard(req, res)
    if (rs === undefined) return
    const name = typeof req.query.name === 'string' ? req.query.name : undefined
    const exact = req.query.exactName === 'true'
    let ids = [...state.resources.values()]
      .filter((r) => r.rsClient === rs.clientId)
      .filter((r) => name === undefined || (exact ? r.name === name : r.name.includes(name)))
      .map((r) => r._id)
    const first = Number(req.query.first ?? 0)
    const max = Number(req.query.max ?? 100)
    if (Number.isInteger(first) && Number.isInteger(max) && first >= 0 && max > 0)
      ids = ids.slice(first, first + max)
    res.json(ids)
  })

  router.get(`${path}/:id`, (req, res) => {
    const rs = guard(req, res)
    if (rs === undefined) return
    const resource = owned(rs, req.params.id)
    if (resource === undefined) return notFound(ctx, res)
    res.json(present(ctx, resource))
  })

  router.put(`${path}/:id`, (req, res) => {
    const rs = guard(req, res)
    if (rs === undefined) return
    const resource = owned(rs, req.params.id)
    if (resource === undefined) return notFound(ctx, res)
    const description = readDescription(req.body)
    if (typeof description === 'string') return oauthError(res, 400, 'invalid_request', description)
    const updated: StoredResource = {
      _id: resource._id,
      owner: resource.owner,
      rsClient: resource.rsClient,
      ...description,
    }
    state.resources.set(resource._id, updated)
    ctx.emit({
      type: 'resource_updated',
      clientId: rs.clientId,
      message: `${rs.clientId} updated ${updated.name}`,
    })
    if (ctx.mode === 'keycloak') res.status(204).end()
    else res.status(200).json({ _id: resource._id })
  })

  router.delete(`${path}/:id`, (req, res) => {
    const rs = guard(req, res)
    if (rs === undefined) return
    const resource = owned(rs, req.params.id)
    if (resource === undefined) return notFound(ctx, res)
    state.resources.delete(resource._id)
    ctx.emit({
      type: 'resource_deleted',
      clientId: rs.clientId,
      message: `${rs.clientId} deleted ${resource.name}`,
    })
    res.status(204).end()
  })
}

/**
 * Creates the permission endpoint's handler: one permission or an array, answered with a
 * single-use ticket.
 *
 * @param ctx - the server's state and settings
 * @returns an Express handler
 */
export function permissionEndpoint(ctx: ProtectionContext): (req: Request, res: Response) => void {
  const { state } = ctx
  return (req, res) => {
    const rs = patClient(state, req)
    if (rs === undefined) {
      res.set('www-authenticate', 'Bearer error="invalid_token"')
      return oauthError(res, 401, 'invalid_token', 'a valid PAT is required')
    }
    const body: unknown = req.body
    const list: unknown[] = Array.isArray(body) ? body : [body]
    if (list.length === 0 || list.length > 50) {
      return oauthError(
        res,
        400,
        ctx.mode === 'keycloak' ? 'invalid_permission_request' : 'invalid_request',
        'one to 50 permissions',
      )
    }
    const permissions: GrantedPermission[] = []
    for (const entry of list) {
      const record =
        typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {}
      const id = record.resource_id
      const resource = typeof id === 'string' ? state.resources.get(id) : undefined
      if (resource?.rsClient !== rs.clientId) {
        return oauthError(
          res,
          400,
          'invalid_resource_id',
          'no such resource for this resource server',
        )
      }
      const scopes = readScopes(record.resource_scopes)
      if (scopes === undefined || scopes.some((s) => !resource.resource_scopes.includes(s))) {
        return oauthError(res, 400, 'invalid_scope', 'a scope the resource does not have')
      }
      permissions.push({ resource_id: resource._id, resource_scopes: scopes })
    }
    const ticket = issueTicket(state, permissions, rs.clientId)
    const what = describePermissions(state, permissions)
    ctx.emit({
      type: 'ticket_issued',
      clientId: rs.clientId,
      message: `permission ticket issued to ${rs.clientId} for ${what}`,
    })
    res.status(201).json({ ticket })
  }
}

/**
 * Creates the introspection endpoint's handler (RFC 7662): client authentication or a PAT.
 *
 * @param ctx - the server's state and settings
 * @returns an Express handler
 */
export function introspectionEndpoint(
  ctx: ProtectionContext,
): (req: Request, res: Response) => Promise<void> {
  const { state } = ctx
  return async (req, res) => {
    const form = formOf(req)
    const caller = authenticateClient(state, req, form) ?? patClient(state, req)?.clientId
    if (caller === undefined) {
      res.set('www-authenticate', 'Basic realm="introspection"')
      return oauthError(res, 401, 'invalid_client', 'authenticate as a client, or with a PAT')
    }
    const hint = form.get('token_type_hint')
    if (
      ctx.mode === 'keycloak' &&
      hint !== null &&
      hint !== 'access_token' &&
      hint !== 'requesting_party_token'
    ) {
      return oauthError(res, 400, 'invalid_request', 'Unsupported token type.')
    }
    const token = form.get('token')
    if (token === null || token === '')
      return oauthError(res, 400, 'invalid_request', 'token is required')
    const held = await readRpt(state, ctx.issuer(), token)
    ctx.emit({
      type: 'introspection',
      clientId: caller,
      message: `${caller} introspected an RPT: ${held === undefined ? 'inactive' : 'active'}`,
    })
    res.set('cache-control', 'no-store')
    if (held === undefined) {
      res.json({ active: false })
      return
    }
    const { record, payload } = held
    const permissions = record.permissions.map((p) => ({ ...p, exp: record.expiresAt }))
    if (ctx.mode === 'keycloak' && hint === 'requesting_party_token') {
      res.json({
        active: true,
        exp: payload.exp,
        iat: payload.iat,
        aud: payload.aud,
        jti: payload.jti,
        typ: 'Bearer',
        permissions: record.permissions.map((p) => ({
          rsid: p.resource_id,
          rsname: resourceName(state, p.resource_id),
          scopes: p.resource_scopes,
          resource_id: p.resource_id,
          resource_scopes: p.resource_scopes,
        })),
      })
      return
    }
    if (ctx.mode === 'keycloak') {
      res.json({ ...payload, active: true, client_id: record.clientId, username: record.clientId })
      return
    }
    res.json({
      active: true,
      exp: payload.exp,
      iat: payload.iat,
      client_id: record.clientId,
      sub: payload.sub,
      permissions,
    })
  }
}
