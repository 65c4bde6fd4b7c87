/**
 * @module The token endpoint: `client_credentials` for PATs (UMA FedAuthz §1.3) and, in the CAS
 * shape, AATs (scope `uma_authorization`); the uma-ticket grant (UMA Grant §3.3) in the spec,
 * Keycloak and WSO2 shapes; WSO2's `refresh_token` grant.
 */
import type { Request, Response } from 'express'
import { UMA_TICKET_GRANT } from './claim-tokens.js'
import type { ServerContext } from './context.js'
import { authenticateClient, formOf, oauthError } from './http.js'
import { opaqueToken } from './state.js'
import { umaGrant } from './uma-grant.js'
import { wso2Grant, wso2Refresh } from './wso2/grant.js'

function accessToken(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  kind: 'PAT' | 'AAT',
  scope: string | undefined,
): void {
  const { state } = ctx
  const token = opaqueToken()
  const expiresIn = state.config.lifetimes.patSeconds
  const owner = kind === 'PAT' ? state.config.clients[clientId]?.resourceServerFor : undefined
  const map = kind === 'PAT' ? state.pats : state.aats
  map.set(token, { clientId, owner, expiresAt: state.now() + expiresIn })
  ctx.emit({
    type: 'pat_issued',
    clientId,
    message:
      kind === 'PAT'
        ? `PAT issued to resource server ${clientId}`
        : `AAT (uma_authorization) issued to client ${clientId}`,
  })
  res.set('cache-control', 'no-store').json({
    access_token: token,
    token_type: 'Bearer',
    expires_in: expiresIn,
    ...(scope === undefined ? {} : { scope }),
  })
}

function clientCredentials(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  form: URLSearchParams,
): void {
  const scopes = (form.get('scope') ?? '').split(' ')
  // CAS's RPT endpoint takes a bearer token with uma_authorization, UMA 1.0's AAT (Apereo CAS: see the README's vendor notes)
  if (ctx.shape === 'cas' && scopes.includes('uma_authorization')) {
    accessToken(ctx, res, clientId, 'AAT', 'uma_authorization')
    return
  }
  if (ctx.state.config.clients[clientId]?.resourceServerFor === undefined) {
    oauthError(res, 400, 'unauthorized_client', 'only resource servers get a PAT here')
    return
  }
  // Keycloak has uma_protection as a client role, not a scope (Keycloak; see the README's vendor notes)
  if (ctx.shape !== 'keycloak' && !scopes.includes('uma_protection')) {
    oauthError(res, 400, 'invalid_scope', 'a PAT needs scope uma_protection')
    return
  }
  accessToken(ctx, res, clientId, 'PAT', ctx.shape === 'keycloak' ? undefined : 'uma_protection')
}

/**
 * Creates the token endpoint's handler.
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function tokenEndpoint(ctx: ServerContext): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const form = formOf(req)
    const clientId = authenticateClient(ctx.state, req, form)
    if (clientId === undefined) {
      res.set('www-authenticate', 'Basic realm="token"')
      oauthError(res, 401, 'invalid_client', 'client authentication failed')
      return
    }
    const grantType = form.get('grant_type')
    if (grantType === 'client_credentials') {
      clientCredentials(ctx, res, clientId, form)
    } else if (grantType === UMA_TICKET_GRANT && ctx.shape === 'wso2') {
      await wso2Grant(ctx, res, clientId, form)
    } else if (grantType === 'refresh_token' && ctx.shape === 'wso2') {
      await wso2Refresh(ctx, res, clientId, form)
    } else if (grantType === UMA_TICKET_GRANT && ctx.shape !== 'cas') {
      await umaGrant(ctx, res, clientId, form)
    } else {
      const also = ctx.shape === 'cas' ? ' (CAS takes RPT requests at rptAuthzRequest)' : ''
      oauthError(res, 400, 'unsupported_grant_type', `not supported here${also}`)
    }
  }
}
