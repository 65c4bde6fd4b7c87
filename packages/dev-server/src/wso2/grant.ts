/**
 * @module WSO2 Identity Server's uma-ticket grant (WSO2 IS: see the README's vendor notes): client authentication, `ticket`
 * and `claim_token` all required, the `claim_token` an ID token whose `sub` is the requesting
 * party (its signature unchecked, as WSO2 does; `claim_token_format` ignored); every failure a
 * 400 `invalid_grant` with an `error_response` header; no `need_info`, `request_*`, PCT or
 * `upgraded`; a refresh token issued, which the `refresh_token` grant trades for a new RPT.
 */
import type { Response } from 'express'
import { ID_TOKEN_FORMAT, readClaimToken } from '../claim-tokens.js'
import type { ServerContext } from '../context.js'
import { oauthError } from '../http.js'
import { decide } from '../policy.js'
import { issueRpt } from '../rpt.js'
import { describePermissions, opaqueToken, type GrantedPermission } from '../state.js'
import { burnTicket } from '../tickets.js'

/** WSO2's header on a refused grant. */
const FAILED = 'Failed validation for the permission ticket for the given user.'

function refuse(ctx: ServerContext, res: Response, clientId: string, why: string): void {
  ctx.emit({ type: 'invalid_grant', clientId, message: `${clientId} refused: ${why}` })
  res.set('error_response', FAILED)
  oauthError(res, 400, 'invalid_grant', why)
}

async function grantRpt(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  subject: string,
  permissions: GrantedPermission[],
): Promise<void> {
  const { state } = ctx
  const issued = await issueRpt(state, 'wso2', ctx.issuer(), { clientId, subject, permissions })
  const refreshToken = opaqueToken()
  state.refreshTokens.set(refreshToken, { clientId, subject, permissions })
  ctx.emit({
    type: 'rpt_issued',
    clientId,
    message: `RPT issued to ${clientId} for ${subject}: ${describePermissions(state, permissions)}`,
  })
  res.set('cache-control', 'no-store').json({
    access_token: issued.rpt,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
  })
}

/**
 * Answers WSO2's uma-ticket grant.
 *
 * @param ctx - the server
 * @param res - the response to write
 * @param clientId - the authenticated client
 * @param form - the request's parameters
 */
export async function wso2Grant(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): Promise<void> {
  const ticketValue = form.get('ticket') ?? ''
  const claimToken = form.get('claim_token') ?? ''
  if (ticketValue === '' || claimToken === '') {
    refuse(ctx, res, clientId, 'ticket and claim_token are required')
    return
  }
  const claims = readClaimToken(claimToken, ID_TOKEN_FORMAT)
  const subject = claims?.sub
  if (claims === undefined || subject === undefined || subject === '') {
    refuse(ctx, res, clientId, 'claim_token must be an ID token with a sub')
    return
  }
  const ticket = burnTicket(ctx.state, ticketValue)
  if (ticket === undefined) {
    refuse(ctx, res, clientId, 'an unknown or spent ticket')
    return
  }
  const decision = decide(ctx.state, clientId, ticket.permissions, claims)
  if (decision.outcome !== 'granted') {
    const asked = describePermissions(ctx.state, ticket.permissions)
    refuse(ctx, res, clientId, `${decision.outcome} for ${asked}`)
    return
  }
  await grantRpt(ctx, res, clientId, subject, ticket.permissions)
}

/**
 * Answers the `refresh_token` grant: a new RPT with the same permissions, no new assessment
 * (UMA Grant §3.3.5 leaves refresh to RFC 6749).
 *
 * @param ctx - the server
 * @param res - the response to write
 * @param clientId - the authenticated client
 * @param form - the request's parameters
 */
export async function wso2Refresh(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): Promise<void> {
  const token = form.get('refresh_token') ?? ''
  const held = ctx.state.refreshTokens.get(token)
  if (held?.clientId !== clientId) {
    refuse(ctx, res, clientId, 'an unknown refresh token')
    return
  }
  ctx.state.refreshTokens.delete(token)
  await grantRpt(ctx, res, clientId, held.subject, held.permissions)
}
