/**
 * @module Small HTTP helpers of the development AS: client and owner authentication, PATs,
 * OAuth error bodies.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'
import type { AsState } from './state.js'

/** Sends an RFC 6749 §5.2 error body. */
export function oauthError(
  res: Response,
  status: number,
  error: string,
  description?: string,
  extra: Record<string, unknown> = {},
): void {
  res
    .status(status)
    .set('cache-control', 'no-store')
    .json({
      error,
      ...(description === undefined ? {} : { error_description: description }),
      ...extra,
    })
}

function sameSecret(a: string, b: string): boolean {
  const hash = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(hash(a), hash(b))
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '')
  if (match?.[1] === undefined) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    }
  } catch {
    return undefined
  }
}

/**
 * Authenticates the client: `client_secret_basic`, or `client_secret_post` in a form.
 *
 * @returns the client id, or `undefined`
 */
export function authenticateClient(
  state: AsState,
  req: Request,
  form: URLSearchParams,
): string | undefined {
  const basic = basicCredentials(req)
  const id = basic?.id ?? form.get('client_id') ?? undefined
  const secret = basic?.secret ?? form.get('client_secret') ?? undefined
  if (id === undefined || secret === undefined) return undefined
  const client = state.config.clients[id]
  return client !== undefined && sameSecret(client.secret, secret) ? id : undefined
}

/**
 * Authenticates a resource owner by Basic credentials (the owner endpoints).
 *
 * @returns the owner's name, or `undefined`
 */
export function authenticateOwner(state: AsState, req: Request): string | undefined {
  const basic = basicCredentials(req)
  if (basic === undefined) return undefined
  const owner = state.config.owners[basic.id]
  return owner !== undefined && sameSecret(owner.password, basic.secret) ? basic.id : undefined
}

/** The bearer token of a request, if it has one. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer ([\w.~+/-]+=*)$/i.exec(req.get('authorization') ?? '')
  return match?.[1]
}

/**
 * The resource server behind a PAT (`Authorization: Bearer`).
 *
 * @returns the RS client id, the owner it registers for and the PAT's expiry, or `undefined`
 */
export function patClient(
  state: AsState,
  req: Request,
): { clientId: string; owner: string; expiresAt: number } | undefined {
  const token = bearerToken(req)
  const pat = token === undefined ? undefined : state.pats.get(token)
  if (pat?.owner === undefined || pat.expiresAt < state.now()) return undefined
  return { clientId: pat.clientId, owner: pat.owner, expiresAt: pat.expiresAt }
}

/** The request body as a form, whatever parser ran. */
export function formOf(req: Request): URLSearchParams {
  const body: unknown = req.body
  const form = new URLSearchParams()
  if (typeof body !== 'object' || body === null) return form
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form.set(name, value)
  }
  return form
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
