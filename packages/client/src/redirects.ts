/**
 * @module Redirects followed by the client itself, as fetch follows them (the Fetch standard's
 * HTTP-redirect fetch), so that each hop carries only the RPT held for its own origin and a
 * challenge is answered for the origin that made it, never for the one first asked.
 */
import { isHttpsOrLoopback } from '@uma-kit/core/internal'
import { discard } from './challenge.js'
import type { UmaEngine } from './engine.js'
import type { CallParty } from './party.js'
import type { Hop, PreparedRequest } from './replay.js'

/** Redirects followed at most, as fetch does. */
export const MAX_REDIRECTS = 20

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/** Headers that describe a body, dropped with it (the Fetch standard's request-body-header names). */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type']

/**
 * The request a redirect leads to: 301 and 302 turn a POST into a GET, 303 anything but GET and
 * HEAD; a body dropped takes its headers with it; another origin loses the caller's
 * `Authorization`.
 *
 * @param hop - the request that was redirected
 * @param status - the redirect's status
 * @param location - its `Location`
 * @returns the next request
 * @throws {TypeError} as fetch does, for a location that is not an http(s) URL
 */
export function nextHop(hop: Hop, status: number, location: string): Hop {
  let url: URL
  try {
    url = new URL(location, hop.url)
  } catch {
    throw new TypeError('fetch failed: the redirect location is not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch failed: a redirect to a ${url.protocol} URL`)
  }
  url.hash = ''
  const headers = new Headers(hop.headers)
  let { method, body, callerAuthorization } = hop
  if (
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD')
  ) {
    method = 'GET'
    body = null
    for (const name of BODY_HEADERS) headers.delete(name)
  }
  if (url.origin !== hop.url.origin) {
    headers.delete('authorization')
    callerAuthorization = false
  }
  return { url, method, headers, body, callerAuthorization }
}

/** A response and the hop it answered. */
export interface Sent {
  readonly response: Response
  /** The hop that gave `response`: after redirects, not the first. */
  readonly hop: Hop
  /** The RPT sent on that hop. */
  readonly rpt: string | undefined
}

/** An RPT that must go to one origin, whatever the store holds (the retry's new RPT). */
export interface Forced {
  readonly origin: string
  readonly rpt: string
}

function heldFor(engine: UmaEngine, party: CallParty, hop: Hop): string | undefined {
  // a request with its own Authorization is sent as it is
  if (hop.callerAuthorization) return undefined
  const rpt = engine.store.held(party.key, hop.url)
  // an RPT never travels in clear text
  return rpt !== undefined && isHttpsOrLoopback(hop.url) ? rpt : undefined
}

/**
 * Sends a hop and, where the caller's mode is `follow`, each hop its redirects lead to, each
 * with the RPT of its own origin.
 *
 * @param engine - the client
 * @param party - whose RPTs
 * @param request - the prepared request
 * @param start - where to start
 * @param forced - the RPT to send to one origin instead of the held one
 * @returns the last response, unread, and its hop
 * @throws {TypeError} as fetch does (network errors, too many redirects, bad locations)
 */
export async function follow(
  engine: UmaEngine,
  party: CallParty,
  request: PreparedRequest,
  start: Hop,
  forced?: Forced,
): Promise<Sent> {
  const mode = request.redirect
  let hop = start
  for (let redirects = 0; ; redirects++) {
    const rpt = forced?.origin === hop.url.origin ? forced.rpt : heldFor(engine, party, hop)
    const response = await engine.options.fetch(
      hop.url.href,
      request.init(hop, rpt, mode === 'follow' ? 'manual' : mode),
    )
    const location =
      mode === 'follow' && REDIRECT_STATUSES.has(response.status)
        ? response.headers.get('location')
        : null
    if (location === null) {
      // a retry starts where the redirects ended: it answers a redirected request too
      if (hop !== request.first) markRedirected(response)
      return { response, hop, rpt }
    }
    discard(response)
    if (redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed: redirect count exceeded')
    hop = nextHop(hop, response.status, location)
  }
}

/** What fetch's own following would say of the response (`url` is already the last hop's). */
function markRedirected(response: Response): void {
  try {
    Object.defineProperty(response, 'redirected', { value: true })
  } catch {
    // a frozen or exotic Response: its redirected flag stays as it is
  }
}
