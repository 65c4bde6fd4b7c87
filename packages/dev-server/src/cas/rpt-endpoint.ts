/**
 * @module Apereo CAS's RPT endpoint, `POST /oauth2.0/rptAuthzRequest` (Apereo CAS: see the README's vendor notes): a JSON body
 * (`grant_type`, `ticket`, `rpt`, `claim_token`, `claim_token_format`) with a bearer AAT (scope
 * `uma_authorization`), answered 200 `{"rpt":"…","code":"CREATED"}`; a passed `rpt` is deleted,
 * not merged. Anything the policies do not grant yet is a `need_info` at HTTP 308, nested UMA
 * 1.0 style, with the same ticket: CAS has no `request_denied` nor `request_submitted`.
 */
import type { Request, Response } from 'express'
import { ID_TOKEN_FORMAT, UMA_TICKET_GRANT, readClaimToken } from '../claim-tokens.js'
import type { ServerContext } from '../context.js'
import { decide, type Decision } from '../policy.js'
import { issueRpt, readRpt } from '../rpt.js'
import { describePermissions, type StoredTicket } from '../state.js'
import { peekTicket } from '../tickets.js'
import { casAuthorization, casText } from './answers.js'

type Unsatisfied = Exclude<Decision, { outcome: 'granted' }>

function unmatched(decision: Unsatisfied): { claims: string[]; scopes: string[] } {
  switch (decision.outcome) {
    case 'need_info':
      return { claims: decision.claims, scopes: [] }
    case 'pending':
      return { claims: [], scopes: decision.requests.map((r) => r.scope) }
    case 'denied':
      return { claims: decision.claims, scopes: decision.scopes }
  }
}

function needInfo(res: Response, ticket: string, decision: Unsatisfied): void {
  const { claims, scopes } = unmatched(decision)
  res
    .status(308)
    .set('cache-control', 'no-store')
    .json({
      error: 'need_info',
      error_details: {
        requesting_party_claims: {
          required_claims: claims,
          required_scopes: scopes,
          redirect_user: true,
          ticket,
        },
      },
    })
}

function readBody(req: Request): Record<string, string> | undefined {
  const body: unknown = req.body
  if (!req.is('json') || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return undefined
  }
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') out[name] = value
  return out
}

async function dropRpt(ctx: ServerContext, rpt: string | undefined): Promise<void> {
  if (rpt === undefined || rpt === '') return
  const held = await readRpt(ctx.state, ctx.issuer(), rpt)
  for (const [key, record] of ctx.state.rpts)
    if (record === held?.record) ctx.state.rpts.delete(key)
}

async function answer(
  ctx: ServerContext,
  res: Response,
  clientId: string,
  body: Record<string, string>,
  ticketValue: string,
  ticket: StoredTicket,
): Promise<void> {
  const { state } = ctx
  if (body.claim_token !== undefined) {
    const pushed = readClaimToken(body.claim_token, body.claim_token_format ?? ID_TOKEN_FORMAT)
    if (pushed === undefined) {
      casText(res, 'Unable to handle authorization request')
      return
    }
    // CAS keeps what it learns on the ticket, which lives on
    Object.assign(ticket.claims, pushed)
  }
  const decision = decide(state, clientId, ticket.permissions, ticket.claims)
  const asked = describePermissions(state, ticket.permissions)
  if (decision.outcome !== 'granted') {
    const { claims, scopes } = unmatched(decision)
    const wanted = [...claims, ...scopes.map((s) => `scope ${s}`)].join(', ')
    ctx.emit({
      type: 'need_info',
      clientId,
      message: `${clientId} needs ${wanted} for ${asked} (${decision.outcome}; CAS answers need_info)`,
    })
    needInfo(res, ticketValue, decision)
    return
  }
  await dropRpt(ctx, body.rpt)
  const { rpt } = await issueRpt(state, 'cas', ctx.issuer(), {
    clientId,
    permissions: ticket.permissions,
  })
  ctx.emit({ type: 'rpt_issued', clientId, message: `RPT issued to ${clientId} for ${asked}` })
  res.set('cache-control', 'no-store').json({ rpt, code: 'CREATED' })
}

/**
 * Creates CAS's RPT endpoint handler.
 *
 * @param ctx - the server
 * @returns an Express handler
 */
export function casRptEndpoint(ctx: ServerContext): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const aat = casAuthorization(ctx, req, res)
    if (aat === undefined) return
    const body = readBody(req)
    if (body === undefined) {
      casText(res, 'Unable to handle authorization request')
      return
    }
    if (body.grant_type === undefined || body.grant_type === '') {
      casText(res, 'Unable to accept authorization request; grant type is missing')
      return
    }
    if (body.grant_type !== UMA_TICKET_GRANT) {
      casText(res, `Unable to accept authorization request; need grant type ${UMA_TICKET_GRANT}`)
      return
    }
    const ticketValue = body.ticket ?? ''
    if (ticketValue === '') {
      casText(res, 'Unable to accept authorization request; ticket parameter is missing')
      return
    }
    const ticket = peekTicket(ctx.state, ticketValue)
    if (ticket === undefined) {
      ctx.emit({
        type: 'invalid_grant',
        clientId: aat.clientId,
        message: 'an unknown or expired ticket was refused',
      })
      casText(res, 'Unable to handle authorization request')
      return
    }
    await answer(ctx, res, aat.clientId, body, ticketValue, ticket)
  }
}
