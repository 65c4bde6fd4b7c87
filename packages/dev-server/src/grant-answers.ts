/**
 * @module The answer to an uma-ticket grant request once the policies have decided, in the
 * spec's shape (UMA Grant §3.3.5, §3.3.6) or Keycloak's (Keycloak; see the README's vendor notes).
 */
import type { Response } from 'express'
import { ID_TOKEN_FORMAT, JWT_CLAIMS_FORMAT } from './claim-tokens.js'
import type { ServerContext } from './context.js'
import { oauthError } from './http.js'
import { mergePermissions, type Decision } from './policy.js'
import { issueRpt } from './rpt.js'
import {
  describePermissions,
  opaqueToken,
  type GrantedPermission,
  type StoredTicket,
} from './state.js'
import { issueTicket } from './tickets.js'

/** What the request brought, as the grant read it. */
export interface GrantInput {
  readonly clientId: string
  readonly ticket: StoredTicket
  /** The ticket's permissions, with the registered scopes `scope` added. */
  readonly asked: GrantedPermission[]
  /** Every claim known: the ticket's, the PCT's, the pushed ones. */
  readonly claims: Record<string, string>
  /** The permissions of the RPT to upgrade. */
  readonly previous: GrantedPermission[]
  readonly upgraded: boolean
}

/**
 * Writes the answer to a decided grant request.
 *
 * @param ctx - the server
 * @param res - the response to write
 * @param input - what the request brought
 * @param decision - what the policies said
 */
export async function answerDecision(
  ctx: ServerContext,
  res: Response,
  input: GrantInput,
  decision: Decision,
): Promise<void> {
  const { state } = ctx
  const { clientId, ticket, asked, claims } = input
  const keycloak = ctx.shape === 'keycloak'
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
      await granted(ctx, res, input, mergePermissions(input.previous, asked))
  }
}

async function granted(
  ctx: ServerContext,
  res: Response,
  input: GrantInput,
  permissions: GrantedPermission[],
): Promise<void> {
  const { state } = ctx
  const { clientId, claims, upgraded } = input
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
