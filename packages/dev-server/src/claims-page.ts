/**
 * @module The claims interaction endpoint (UMA Grant §3.3.2): a minimal form that gathers the
 * claims a ticket's policies need, then sends the browser back to `claims_redirect_uri` with a
 * new ticket and the client's `state`. The form and the checks are shared with CAS's `rqpClaims`.
 */
import type { Request, Response, Router } from 'express'
import type { ServerContext } from './context.js'
import { escapeHtml, formOf } from './http.js'
import type { AsState, StoredTicket } from './state.js'
import { burnTicket, issueTicket } from './tickets.js'

/** Sends a small HTML error page. */
export function errorPage(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><title>Claims gathering</title><p>${escapeHtml(message)}</p>`)
}

/** The claims the ticket's policies need from this client that it has not given yet. */
export function neededClaims(state: AsState, ticket: StoredTicket, clientId: string): string[] {
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

/** The claims typed into the form (`claim.<name>` fields). */
export function claimsOfForm(form: URLSearchParams): Record<string, string> {
  const claims: Record<string, string> = {}
  for (const [name, value] of form) {
    if (name.startsWith('claim.') && value !== '' && value.length <= 1000) {
      claims[name.slice(6)] = value
    }
  }
  return claims
}

/**
 * Checks the client and its redirect URI: a bad one gets an error page, never a redirect.
 *
 * @param redirectParam - the redirect parameter's name: `claims_redirect_uri`, or CAS's `redirect_uri`
 * @returns the client and where to send the browser back, or `undefined` once the page is sent
 */
export function checkClaimsClient(
  state: AsState,
  params: URLSearchParams,
  redirectParam: string,
  res: Response,
): { clientId: string; redirectUri: string; state: string | undefined } | undefined {
  const clientId = params.get('client_id') ?? ''
  const redirectUri = params.get(redirectParam) ?? ''
  const client = state.config.clients[clientId]
  if (client === undefined) {
    errorPage(res, 400, 'Unknown client.')
    return undefined
  }
  if (!(client.claimsRedirectUris ?? []).includes(redirectUri)) {
    errorPage(res, 400, `This ${redirectParam} is not registered for the client.`)
    return undefined
  }
  return { clientId, redirectUri, state: params.get('state') ?? undefined }
}

/** Sends the browser back to `redirectUri` with `params`. */
export function redirectBack(
  res: Response,
  redirectUri: string,
  params: Record<string, string | undefined>,
): void {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value)
  }
  res.redirect(302, url.href)
}

/** Sends the form asking for `fields`, posting back the `hidden` parameters. */
export function sendClaimsForm(
  res: Response,
  action: string,
  clientId: string,
  fields: string[],
  hidden: Record<string, string>,
): void {
  const inputs = fields
    .map(
      (name) =>
        `<label>${escapeHtml(name)} <input name="claim.${escapeHtml(name)}" required></label><br>`,
    )
    .join('\n')
  const kept = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n')
  res
    .type('html')
    .set('cache-control', 'no-store')
    .send(
      `<!doctype html><title>Claims gathering</title><h1>${escapeHtml(clientId)} asks for access</h1>` +
        `<form method="post" action="${escapeHtml(action)}">${kept}\n${inputs}<button>Send</button></form>`,
    )
}

const HIDDEN = ['client_id', 'ticket', 'claims_redirect_uri', 'state']

/**
 * Adds the claims interaction routes at `paths.claims`.
 *
 * @param router - where to add them
 * @param ctx - the server
 * @param path - the `claims_interaction_endpoint` path
 */
export function claimsRoutes(router: Router, ctx: ServerContext, path: string): void {
  const { state } = ctx
  router.get(path, (req: Request, res: Response) => {
    const params = new URL(req.originalUrl, 'http://x').searchParams
    const client = checkClaimsClient(state, params, 'claims_redirect_uri', res)
    if (client === undefined) return
    const ticket = state.tickets.get(params.get('ticket') ?? '')
    if (ticket === undefined || ticket.expiresAt < state.now()) {
      redirectBack(res, client.redirectUri, { error: 'invalid_grant', state: client.state })
      return
    }
    const hidden = Object.fromEntries(HIDDEN.map((name) => [name, params.get(name) ?? '']))
    const fields = neededClaims(state, ticket, client.clientId)
    sendClaimsForm(res, req.baseUrl + path, client.clientId, fields, hidden)
  })

  router.post(path, (req: Request, res: Response) => {
    const form = formOf(req)
    const client = checkClaimsClient(state, form, 'claims_redirect_uri', res)
    if (client === undefined) return
    const ticket = burnTicket(state, form.get('ticket') ?? '')
    if (ticket === undefined) {
      redirectBack(res, client.redirectUri, { error: 'invalid_grant', state: client.state })
      return
    }
    const claims = { ...ticket.claims, ...claimsOfForm(form) }
    const next = issueTicket(state, ticket.permissions, ticket.rsClient, claims)
    ctx.emit({
      type: 'claims_gathered',
      clientId: client.clientId,
      message: `${client.clientId}'s user gave ${Object.keys(claims).join(', ')} at the claims endpoint`,
    })
    redirectBack(res, client.redirectUri, { ticket: next, state: client.state })
  })
}
