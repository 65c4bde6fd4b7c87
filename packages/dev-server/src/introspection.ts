/**
 * @module Token introspection (RFC 7662, UMA FedAuthz §5) in each shape's answer: the spec's
 * `permissions`; Keycloak's token claims, or its `requesting_party_token` answer with both name
 * sets; WSO2's top-level `permissions`; and, in the CAS shape, the spec's `permissions` too,
 * which real CAS does not give (the README says what it gives instead).
 */
import type { Request, Response } from 'express'
import type { ServerContext } from './context.js'
import { authenticateClient, formOf, oauthError, patClient } from './http.js'
import { readRpt } from './rpt.js'
import { resourceName, type StoredRpt } from './state.js'

function caller(ctx: ServerContext, req: Request, form: URLSearchParams): string | undefined {
  const pat = patClient(ctx.state, req)?.clientId
  // WSO2 IS lets a bearer token in, not the RS's client credentials (WSO2 IS: see the README's vendor notes)
  if (ctx.shape === 'wso2') return pat
  return authenticateClient(ctx.state, req, form) ?? pat
}

function keycloakRptAnswer(ctx: ServerContext, record: StoredRpt, payload: object) {
  const { exp, iat, aud, jti } = payload as Record<string, unknown>
  return {
    active: true,
    exp,
    iat,
    aud,
    jti,
    typ: 'Bearer',
    permissions: record.permissions.map((p) => ({
      rsid: p.resource_id,
      rsname: resourceName(ctx.state, p.resource_id),
      scopes: p.resource_scopes,
      resource_id: p.resource_id,
      resource_scopes: p.resource_scopes,
    })),
  }
}

function answer(
  ctx: ServerContext,
  record: StoredRpt,
  payload: object | undefined,
  hint: string | null,
): Record<string, unknown> {
  if (ctx.shape === 'keycloak' && payload !== undefined) {
    if (hint === 'requesting_party_token') return keycloakRptAnswer(ctx, record, payload)
    return { ...payload, active: true, client_id: record.clientId, username: record.subject }
  }
  const permissions = record.permissions.map((p) => ({ ...p, exp: record.expiresAt }))
  const common = { active: true, exp: record.expiresAt, iat: record.issuedAt }
  if (ctx.shape === 'wso2') {
    return {
      ...common,
      nbf: record.issuedAt,
      token_type: 'Bearer',
      client_id: record.clientId,
      username: record.subject,
      permissions: record.permissions,
    }
  }
  return { ...common, client_id: record.clientId, sub: record.subject, permissions }
}

/**
 * Creates the introspection endpoint's handler: client authentication or a PAT (a PAT only in
 * the WSO2 shape).
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function introspectionEndpoint(
  ctx: ServerContext,
): (req: Request, res: Response) => Promise<void> {
  const { state } = ctx
  return async (req, res) => {
    const form = formOf(req)
    const who = caller(ctx, req, form)
    if (who === undefined) {
      res.set('www-authenticate', ctx.shape === 'wso2' ? 'Bearer' : 'Basic realm="introspection"')
      const how = ctx.shape === 'wso2' ? 'with a PAT' : 'as a client, or with a PAT'
      oauthError(res, 401, 'invalid_client', `authenticate ${how}`)
      return
    }
    const hint = form.get('token_type_hint')
    const known = hint === null || hint === 'access_token' || hint === 'requesting_party_token'
    if (ctx.shape === 'keycloak' && !known) {
      oauthError(res, 400, 'invalid_request', 'Unsupported token type.')
      return
    }
    const token = form.get('token')
    if (token === null || token === '') {
      oauthError(res, 400, 'invalid_request', 'token is required')
      return
    }
    const held = await readRpt(state, ctx.issuer(), token)
    ctx.emit({
      type: 'introspection',
      clientId: who,
      message: `${who} introspected an RPT: ${held === undefined ? 'inactive' : 'active'}`,
    })
    res.set('cache-control', 'no-store')
    if (held === undefined) {
      res.json({ active: false })
      return
    }
    res.json(answer(ctx, held.record, held.payload, hint))
  }
}
