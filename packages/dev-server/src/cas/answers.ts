/**
 * @module How Apereo CAS answers its UMA calls (Apereo CAS: see the README's vendor notes): a 400 carrying Spring's
 * multi-value error model `{"code":[404],"message":["…"]}`, copied into the headers too; plain
 * text 400s where a request cannot be read; `Content-Type: application/json` demanded on every
 * call, bodiless GET and DELETE included (415 otherwise).
 */
import type { Request, Response } from 'express'
import type { ServerContext } from '../context.js'
import { bearerToken, oauthError, patClient } from '../http.js'
import type { StoredAccessToken } from '../state.js'

/** A CAS error model, at HTTP 400 as CAS sends it whatever the code inside says. */
export function casError(res: Response, code: number, message: string): void {
  res
    .status(400)
    .set({ code: String(code), message, 'cache-control': 'no-store' })
    .json({ code: [code], message: [message] })
}

/** A plain-text 400, as CAS answers what it cannot read. */
export function casText(res: Response, text: string): void {
  res.status(400).type('text/plain').send(text)
}

/**
 * Refuses a call without `Content-Type: application/json`, as CAS 6.x does even for GET.
 *
 * @returns whether the call may go on
 */
export function requireJsonType(req: Request, res: Response): boolean {
  // req.is() says null without a body: read the header itself, for bodiless GET and DELETE
  if (/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) return true
  res.status(415).type('text/plain').send('Content type must be application/json')
  return false
}

function unauthorized(res: Response, scope: string): void {
  // current CAS answers RFC 6750's 401 (6.x sent a plain-text 400; the README's vendor notes)
  res.set('www-authenticate', `Bearer error="invalid_token", scope="${scope}"`)
  oauthError(res, 401, 'invalid_token', `a bearer token with scope ${scope} is required`)
}

/**
 * The RS behind a PAT (scope `uma_protection`), after the content-type check.
 *
 * @returns the RS, or `undefined` once the refusal is sent
 */
export function casProtection(
  ctx: ServerContext,
  req: Request,
  res: Response,
): { clientId: string; owner: string } | undefined {
  if (!requireJsonType(req, res)) return undefined
  const rs = patClient(ctx.state, req)
  if (rs === undefined) unauthorized(res, 'uma_protection')
  return rs
}

/**
 * The client behind an AAT (scope `uma_authorization`), which CAS's RPT endpoint requires.
 *
 * @returns the AAT's record, or `undefined` once the refusal is sent
 */
export function casAuthorization(
  ctx: ServerContext,
  req: Request,
  res: Response,
): StoredAccessToken | undefined {
  const token = bearerToken(req)
  const aat = token === undefined ? undefined : ctx.state.aats.get(token)
  if (aat === undefined || aat.expiresAt < ctx.state.now()) {
    unauthorized(res, 'uma_authorization')
    return undefined
  }
  return aat
}
