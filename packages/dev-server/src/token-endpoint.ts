/**
 * @module The token endpoint: `client_credentials` for PATs (UMA FedAuthz §1.3) and the
 * uma-ticket grant (UMA Grant §3.3), answering in the spec's shape or Keycloak's.
 */
import { decodeJwt } from 'jose'
import type { Request, Response } from 'express'
import type { AsEventListener } from './events.js'
import { authenticateClient, formOf, oauthError } from './http.js'
import type { AsMode, AsPaths } from './paths.js'
import { decide, mergePermissions } from './policy.js'
import { issueRpt, readRpt } from './rpt.js'
import {
  burnTicket,
  issueTicket,
  opaqueToken,
  type AsState,
  type GrantedPermission,
  describePermissions,
} from './state.js'

/** The UMA grant type. */
export const UMA_TICKET_GRANT = 'urn:ietf:params:oauth:grant-type:uma-ticket'
/** Keycloak's second claim format: base64url JSON claims. */
export const JWT_CLAIMS_FORMAT = 'urn:ietf:params:oauth:token-type:jwt'
/** The OpenID Connect ID token format, spelled with `http` as the specs do. */
export const ID_TOKEN_FORMAT = 'http://openid.net/specs/openid-connect-core-1_0.html#IDToken'

/** What the token endpoint needs to know about its server. */
export interface TokenEndpointContext {
  readonly state: AsState
  readonly mode: AsMode
  readonly paths: AsPaths
  issuer(): string
  readonly emit: AsEventListener
}

function claimValues(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(source)) {
    const first: unknown = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') out[name] = first
  }
  return out
}

/**
 * Reads pushed claims. The ID token's signature is not checked: this AS is for development,
 * and says so in its README.
 */
function readClaimToken(token: string, format: string): Record<string, string> | undefined {
  try {
    if (format === JWT_CLAIMS_FORMAT) {
      const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
      return claimValues(parsed as Record<string, unknown>)
    }
    if (format === ID_TOKEN_FORMAT) return claimValues(decodeJwt(token))
  } catch {
    return undefined
  }
  return undefined
}

function issuePat(
  ctx: TokenEndpointContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): void {
  const client = ctx.state.config.clients[clientId]
  const scopes = (form.get('scope') ?? '').split(' ')
  if (client?.resourceServerFor === undefined) {
    oauthError(res, 400, 'unauthorized_client', 'only resource servers get a PAT here')
    return
  }
  if (ctx.mode === 'spec' && !scopes.includes('uma_protection')) {
    oauthError(res, 400, 'invalid_scope', 'a PAT needs scope uma_protection')
    return
  }
  const pat = opaqueToken()
  const expiresIn = ctx.state.config.lifetimes.patSeconds
  ctx.state.pats.set(pat, { clientId, expiresAt: ctx.state.now() + expiresIn })
  ctx.emit({ type: 'pat_issued', clientId, message: `PAT issued to resource server ${clientId}` })
  res.set('cache-control', 'no-store').json({
    access_token: pat,
    token_type: 'Bearer',
    expires_in: expiresIn,
    ...(ctx.mode === 'spec' ? { scope: 'uma_protection' } : {}),
  })
}

/** Adds the registered scopes named in `scope` to every permission (UMA Grant §3.3.4). */
function withRequestedScopes(
  state: AsState,
  permissions: GrantedPermission[],
  scope: string | null,
): GrantedPermission[] {
  const requested = (scope ?? '').split(' ').filter((s) => s !== '')
  if (requested.length === 0) return permissions
  return permissions.map((p) => {
    const registered = state.resources.get(p.resource_id)?.resource_scopes ?? []
    const extra = requested.filter((s) => registered.includes(s))
    return { ...p, resource_scopes: [...new Set([...p.resource_scopes, ...extra])] }
  })
}

async function umaGrant(
  ctx: TokenEndpointContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): Promise<void> {
  const { state, mode } = ctx
  const keycloak = mode === 'keycloak'
  const ticketValue = form.get('ticket')
  if (ticketValue === null || ticketValue === '') {
    oauthError(res, 400, 'invalid_request', 'ticket is required')
    return
  }
  const ticket = burnTicket(state, ticketValue)
  if (ticket === undefined) {
    ctx.emit({
      type: 'invalid_grant',
      clientId,
      message: 'a spent, unknown or expired ticket was refused',
    })
    if (keycloak) oauthError(res, 403, 'invalid_ticket', 'Ticket is invalid or expired')
    else oauthError(res, 400, 'invalid_grant', 'the ticket is unknown, spent or expired')
    return
  }

  const claims: Record<string, string> = { ...ticket.claims }
  const pct = form.get('pct')
  const heldPct = pct === null ? undefined : state.pcts.get(pct)
  if (heldPct?.clientId === clientId) Object.assign(claims, heldPct.claims)
  const claimToken = form.get('claim_token')
  if (claimToken !== null) {
    const format = form.get('claim_token_format') ?? ID_TOKEN_FORMAT
    const pushed = readClaimToken(claimToken, format)
    if (pushed === undefined) {
      oauthError(res, 400, 'invalid_request', 'claim_token cannot be read in claim_token_format')
      return
    }
    Object.assign(claims, pushed)
  }

  let previous: GrantedPermission[] = []
  let upgraded = false
  const rpt = form.get('rpt')
  if (rpt !== null && rpt !== '') {
    const held = await readRpt(state, ctx.issuer(), rpt)
    if (held?.record.clientId === clientId) {
      previous = held.record.permissions
      upgraded = true
    } else if (keycloak) {
      oauthError(res, 403, 'invalid_rpt', 'RPT signature is invalid or it has expired')
      return
    }
  }

  const asked = withRequestedScopes(state, ticket.permissions, form.get('scope'))
  const decision = decide(state, clientId, asked, claims)
  const askedText = describePermissions(state, asked)
  switch (decision.outcome) {
    case 'denied':
      ctx.emit({
        type: 'request_denied',
        clientId,
        message: `${clientId} denied ${askedText}: ${decision.reason}`,
      })
      if (keycloak) oauthError(res, 403, 'access_denied', 'not_authorized')
      else oauthError(res, 403, 'request_denied', 'the policies do not grant this request')
      return
    case 'need_info': {
      ctx.emit({
        type: 'need_info',
        clientId,
        message: `${clientId} must give ${decision.claims.join(', ')} for ${askedText}`,
      })
      if (keycloak) {
        oauthError(res, 403, 'access_denied', 'not_authorized')
        return
      }
      const next = issueTicket(state, ticket.permissions, ticket.rsClient, claims)
      const claimsEndpoint =
        ctx.paths.claims === undefined ? undefined : `${ctx.issuer()}${ctx.paths.claims}`
      oauthError(res, 403, 'need_info', undefined, {
        ticket: next,
        required_claims: decision.claims.map((name) => ({
          name,
          friendly_name: name,
          claim_token_format: [JWT_CLAIMS_FORMAT, ID_TOKEN_FORMAT],
        })),
        ...(claimsEndpoint === undefined ? {} : { redirect_user: claimsEndpoint }),
      })
      return
    }
    case 'pending': {
      const what = decision.requests.map((r) => `${r.scope} on ${r.resourceName}`).join(', ')
      ctx.emit({
        type: 'request_submitted',
        clientId,
        message: `${clientId} waits for the owner to approve ${what}`,
      })
      if (keycloak) {
        oauthError(res, 403, 'access_denied', 'request_submitted')
        return
      }
      const next = issueTicket(state, ticket.permissions, ticket.rsClient, claims)
      oauthError(res, 403, 'request_submitted', undefined, {
        ticket: next,
        interval: state.config.pollIntervalSeconds,
      })
      return
    }
    case 'granted': {
      const permissions = mergePermissions(previous, asked)
      const issued = await issueRpt(state, mode, ctx.issuer(), clientId, permissions)
      const body: Record<string, unknown> = {
        access_token: issued.rpt,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
      }
      if (keycloak) {
        body.upgraded = upgraded
        body.refresh_expires_in = 0
        body['not-before-policy'] = 0
      } else {
        if (upgraded) body.upgraded = true
        if (Object.keys(claims).length > 0) {
          const newPct = opaqueToken()
          state.pcts.set(newPct, { clientId, claims })
          body.pct = newPct
        }
      }
      const granted = describePermissions(state, permissions)
      ctx.emit({
        type: 'rpt_issued',
        clientId,
        message: `RPT issued to ${clientId} for ${granted}${upgraded ? ' (upgraded)' : ''}`,
      })
      res.set('cache-control', 'no-store').json(body)
      return
    }
  }
}

/**
 * Creates the token endpoint's handler.
 *
 * @param ctx - the server's state and settings
 * @returns an Express handler
 */
export function tokenEndpoint(
  ctx: TokenEndpointContext,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const form = formOf(req)
    const clientId = authenticateClient(ctx.state, req, form)
    if (clientId === undefined) {
      res.set('www-authenticate', 'Basic realm="token"')
      oauthError(res, 401, 'invalid_client', 'client authentication failed')
      return
    }
    const grantType = form.get('grant_type')
    if (grantType === 'client_credentials') issuePat(ctx, res, clientId, form)
    else if (grantType === UMA_TICKET_GRANT) await umaGrant(ctx, res, clientId, form)
    else oauthError(res, 400, 'unsupported_grant_type', 'client_credentials and uma-ticket only')
  }
}
