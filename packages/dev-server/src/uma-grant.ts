/**
 * @module The uma-ticket grant (UMA Grant §3.3) in the spec's shape or Keycloak's: the ticket
 * (single-use, or Keycloak's reusable JWT), pushed claims, a PCT, an RPT to upgrade and extra
 * `scope`, then the policies' decision written as the spec's errors or Keycloak's.
 */
import type { Response } from 'express'
import { ID_TOKEN_FORMAT, JWT_CLAIMS_FORMAT, readClaimToken } from './claim-tokens.js'
import type { ServerContext } from './context.js'
import { oauthError } from './http.js'
import { decide, mergePermissions } from './policy.js'
import { issueRpt, readRpt } from './rpt.js'
import {
  describePermissions,
  opaqueToken,
  type AsState,
  type GrantedPermission,
  type StoredTicket,
} from './state.js'
import { burnTicket, issueTicket, verifyTicket } from './tickets.js'

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

async function takeTicket(ctx: ServerContext, value: string): Promise<StoredTicket | undefined> {
  // Keycloak's tickets are reusable JWTs, valid until their exp (wire.md §6.1)
  return ctx.shape === 'keycloak' ? verifyTicket(ctx, value) : burnTicket(ctx.state, value)
}

/** The ticket's claims, the PCT's and the pushed ones; `undefined` for an unreadable token. */
function gatherClaims(
  ctx: ServerContext,
  clientId: string,
  ticket: StoredTicket,
  form: URLSearchParams,
): Record<string, string> | undefined {
  const claims: Record<string, string> = { ...ticket.claims }
  const pct = form.get('pct')
  const heldPct = pct === null ? undefined : ctx.state.pcts.get(pct)
  if (heldPct?.clientId === clientId) Object.assign(claims, heldPct.claims)
  const claimToken = form.get('claim_token')
  if (claimToken === null) return claims
  const pushed = readClaimToken(claimToken, form.get('claim_token_format') ?? ID_TOKEN_FORMAT)
  return pushed === undefined ? undefined : Object.assign(claims, pushed)
}

/**
 * Answers an uma-ticket grant request of an authenticated client.
 *
 * @param ctx - the server
 * @param res - the response to write
 * @param clientId - the authenticated client: the requesting party, in this development AS
 * @param form - the request's parameters
 */
export async function umaGrant(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): Promise<void> {
  const { state } = ctx
  const keycloak = ctx.shape === 'keycloak'
  const ticketValue = form.get('ticket')
  if (ticketValue === null || ticketValue === '') {
    oauthError(res, 400, 'invalid_request', 'ticket is required')
    return
  }
  const ticket = await takeTicket(ctx, ticketValue)
  if (ticket === undefined) {
    const what = keycloak ? 'an invalid or expired' : 'a spent, unknown or expired'
    ctx.emit({ type: 'invalid_grant', clientId, message: `${what} ticket was refused` })
    if (keycloak) oauthError(res, 403, 'invalid_ticket', 'Ticket is invalid or expired')
    else oauthError(res, 400, 'invalid_grant', 'the ticket is unknown, spent or expired')
    return
  }
  const claims = gatherClaims(ctx, clientId, ticket, form)
  if (claims === undefined) {
    oauthError(res, 400, 'invalid_request', 'claim_token cannot be read in claim_token_format')
    return
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
      // Keycloak never asks for claims: a missing one is a plain denial there
      if (keycloak) {
        oauthError(res, 403, 'access_denied', 'not_authorized')
        return
      }
      const next = issueTicket(state, ticket.permissions, ticket.rsClient, claims)
      const claimsEndpoint =
        ctx.paths.claims === undefined ? {} : { redirect_user: ctx.url(ctx.paths.claims) }
      oauthError(res, 403, 'need_info', undefined, {
        ticket: next,
        required_claims: decision.claims.map((name) => ({
          name,
          friendly_name: name,
          claim_token_format: [JWT_CLAIMS_FORMAT, ID_TOKEN_FORMAT],
        })),
        ...claimsEndpoint,
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
      // Keycloak brings no new ticket: its own stays valid, so the client asks again with it
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
    case 'granted':
      await granted(ctx, res, clientId, mergePermissions(previous, asked), claims, upgraded)
  }
}

async function granted(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  permissions: GrantedPermission[],
  claims: Record<string, string>,
  upgraded: boolean,
): Promise<void> {
  const { state } = ctx
  const issued = await issueRpt(state, ctx.shape, ctx.issuer(), { clientId, permissions })
  const body: Record<string, unknown> = {
    access_token: issued.rpt,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
  }
  if (ctx.shape === 'keycloak') {
    body.upgraded = upgraded
    body.refresh_expires_in = 0
    body['not-before-policy'] = 0
  } else {
    if (upgraded) body.upgraded = true
    if (Object.keys(claims).length > 0) {
      const pct = opaqueToken()
      state.pcts.set(pct, { clientId, claims })
      body.pct = pct
    }
  }
  ctx.emit({
    type: 'rpt_issued',
    clientId,
    message: `RPT issued to ${clientId} for ${describePermissions(state, permissions)}${upgraded ? ' (upgraded)' : ''}`,
  })
  res.set('cache-control', 'no-store').json(body)
}
