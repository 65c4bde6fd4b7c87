/**
 * @module The uma-ticket grant (UMA Grant §3.3) in the spec's shape or Keycloak's: the ticket
 * (single-use, or Keycloak's reusable JWT), pushed claims, a PCT, an RPT to upgrade and extra
 * `scope`, then the policies' decision written as the spec's errors or Keycloak's.
 */
import type { Response } from 'express'
import { ID_TOKEN_FORMAT, readClaimToken } from './claim-tokens.js'
import type { ServerContext } from './context.js'
import { oauthError } from './http.js'
import { answerDecision } from './grant-answers.js'
import { decide } from './policy.js'
import { readRpt } from './rpt.js'
import type { AsState, GrantedPermission, StoredTicket } from './state.js'
import { burnTicket, verifyTicket } from './tickets.js'

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
  // Keycloak's tickets are reusable JWTs, valid until their exp (Keycloak; see the README's vendor notes)
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
  await answerDecision(ctx, res, { clientId, ticket, asked, claims, previous, upgraded }, decision)
}
