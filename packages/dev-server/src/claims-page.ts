/**
 * @module The claims interaction endpoint (UMA Grant §3.3.2): a minimal form that gathers the
 * claims a ticket's policies need, then sends the browser back to `claims_redirect_uri` with a
 * new ticket and the client's `state`.
 */
import type { Request, Response, Router } from 'express'
import type { AsEventListener } from './events.js'
import { escapeHtml, formOf } from './http.js'
import { burnTicket, issueTicket, type AsState, type StoredTicket } from './state.js'

function errorPage(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><title>Claims gathering</title><p>${escapeHtml(message)}</p>`)
}

/** The claims the ticket's policies need from this client that it has not given yet. */
function neededClaims(state: AsState, ticket: StoredTicket, clientId: string): string[] {
  const names = new Set<string>()
  for (const permission of ticket.permissions) {
    const resource = state.resources.get(permission.resource_id)
    const policy = resource === undefined ? undefined : state.config.policies[resource.name]
    for (const scope of permission.resource_scopes) {
      for (const name of Object.keys(policy?.scopes[scope]?.[clientId]?.claims ?? {})) {
        if (ticket.claims[name] === undefined) names.add(name)
      }
    }
  }
  return [...names]
}

function redirectBack(res: Response, redirectUri: string, params: Record<string, string>): void {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  res.redirect(302, url.href)
}

/**
 * Adds the claims interaction routes at `path`.
 *
 * @param router - where to add them
 * @param path - the `claims_interaction_endpoint` path
 * @param state - the AS's memory
 * @param emit - the event listener
 */
export function claimsRoutes(
  router: Router,
  path: string,
  state: AsState,
  emit: AsEventListener,
): void {
  /** Checks the client and its redirect URI: a bad one gets an error page, never a redirect. */
  const checkClient = (params: URLSearchParams, res: Response) => {
    const clientId = params.get('client_id') ?? ''
    const redirectUri = params.get('claims_redirect_uri') ?? ''
    const client = state.config.clients[clientId]
    if (client === undefined) {
      errorPage(res, 400, 'Unknown client.')
      return undefined
    }
    if (!(client.claimsRedirectUris ?? []).includes(redirectUri)) {
      errorPage(res, 400, 'This claims_redirect_uri is not registered for the client.')
      return undefined
    }
    return { clientId, redirectUri, state: params.get('state') ?? undefined }
  }
  const back = (
    res: Response,
    redirectUri: string,
    clientState: string | undefined,
    params: Record<string, string>,
  ) =>
    redirectBack(
      res,
      redirectUri,
      clientState === undefined ? params : { ...params, state: clientState },
    )

  router.get(path, (req: Request, res: Response) => {
    const params = new URL(req.originalUrl, 'http://x').searchParams
    const client = checkClient(params, res)
    if (client === undefined) return
    const ticketValue = params.get('ticket') ?? ''
    const ticket = state.tickets.get(ticketValue)
    if (ticket === undefined || ticket.expiresAt < state.now()) {
      back(res, client.redirectUri, client.state, { error: 'invalid_grant' })
      return
    }
    const fields = neededClaims(state, ticket, client.clientId)
      .map(
        (name) =>
          `<label>${escapeHtml(name)} <input name="claim.${escapeHtml(name)}" required></label><br>`,
      )
      .join('\n')
    const hidden = ['client_id', 'ticket', 'claims_redirect_uri', 'state']
      .map(
        (name) =>
          `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? '')}">`,
      )
      .join('\n')
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(
        `<!doctype html><title>Claims gathering</title><h1>${escapeHtml(client.clientId)} asks for access</h1>` +
          `<form method="post" action="${escapeHtml(req.baseUrl + path)}">${hidden}\n${fields}<button>Send</button></form>`,
      )
  })

  router.post(path, (req: Request, res: Response) => {
    const form = formOf(req)
    const client = checkClient(form, res)
    if (client === undefined) return
    const ticket = burnTicket(state, form.get('ticket') ?? '')
    if (ticket === undefined) {
      back(res, client.redirectUri, client.state, { error: 'invalid_grant' })
      return
    }
    const claims = { ...ticket.claims }
    for (const [name, value] of form) {
      if (name.startsWith('claim.') && value !== '' && value.length <= 1000)
        claims[name.slice(6)] = value
    }
    const next = issueTicket(state, ticket.permissions, ticket.rsClient, claims)
    emit({
      type: 'claims_gathered',
      clientId: client.clientId,
      message: `${client.clientId}'s user gave ${Object.keys(claims).join(', ')} at the claims endpoint`,
    })
    back(res, client.redirectUri, client.state, { ticket: next })
  })
}
