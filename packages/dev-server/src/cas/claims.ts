/**
 * @module Apereo CAS's requesting-party claims endpoint, `GET /oauth2.0/rqpClaims?client_id&
 * redirect_uri&ticket[&state]` (Apereo CAS: see the README's vendor notes): the claims go onto the same ticket, and the
 * browser goes back to `redirect_uri?authorization_state=claims_submitted&state=…` (UMA 1.0).
 * Real CAS takes the claims from the person's CAS login; here a form asks for them.
 */
import type { Request, Response, Router } from 'express'
import {
  checkClaimsClient,
  claimsOfForm,
  errorPage,
  neededClaims,
  redirectBack,
  sendClaimsForm,
} from '../claims-page.js'
import type { ServerContext } from '../context.js'
import { formOf } from '../http.js'
import { peekTicket } from '../tickets.js'

const HIDDEN = ['client_id', 'ticket', 'redirect_uri', 'state']

/**
 * Adds CAS's claims routes at `paths.claims`.
 *
 * @param router - where to add them
 * @param ctx - the server
 * @param path - the `requesting_party_claims_endpoint` path
 */
export function casClaimsRoutes(router: Router, ctx: ServerContext, path: string): void {
  const { state } = ctx
  router.get(path, (req: Request, res: Response) => {
    const params = new URL(req.originalUrl, 'http://x').searchParams
    const client = checkClaimsClient(state, params, 'redirect_uri', res)
    if (client === undefined) return
    const ticket = peekTicket(state, params.get('ticket') ?? '')
    if (ticket === undefined) {
      errorPage(res, 400, 'Unknown or expired ticket.')
      return
    }
    const hidden = Object.fromEntries(HIDDEN.map((name) => [name, params.get(name) ?? '']))
    sendClaimsForm(res, path, client.clientId, neededClaims(state, ticket, client.clientId), hidden)
  })

  router.post(path, (req: Request, res: Response) => {
    const form = formOf(req)
    const client = checkClaimsClient(state, form, 'redirect_uri', res)
    if (client === undefined) return
    const ticket = peekTicket(state, form.get('ticket') ?? '')
    if (ticket === undefined) {
      errorPage(res, 400, 'Unknown or expired ticket.')
      return
    }
    Object.assign(ticket.claims, claimsOfForm(form))
    ctx.emit({
      type: 'claims_gathered',
      clientId: client.clientId,
      message: `${client.clientId}'s user gave ${Object.keys(ticket.claims).join(', ')} at rqpClaims`,
    })
    redirectBack(res, client.redirectUri, {
      authorization_state: 'claims_submitted',
      state: client.state,
    })
  })
}
