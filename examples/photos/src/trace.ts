/**
 * A `fetch` that reports every exchange its caller makes, one line per request and one per
 * response, so the demo can show the UMA flow as it happens: Bob's and Carol's clients with the
 * RS and the ASes, and the RS with the ASes. Tokens are cut to a few characters: enough to tell
 * them apart, never enough to use.
 */
import { describeAsRequest, describeAsResponse } from './describe-as.js'
import { describeRsRequest, describeRsResponse } from './describe-rs.js'
import type { Cast } from './cast.js'

export { shortToken } from './short-token.js'

/** What an exchange was about, for the run's checks. */
export type ExchangeKind =
  | 'discovery'
  | 'pat'
  | 'grant'
  | 'upgrade'
  | 'ticket'
  | 'introspection'
  | 'registration'
  | 'resource'
  | 'resource-metadata'
  | 'other'

/** One side of an exchange, ready to print. */
export interface TraceLine {
  /** Who made the call: `Bob`, `RS`. */
  readonly actor: string
  /** `→` for a request, `←` for a response. */
  readonly direction: 'request' | 'response'
  /** Which server: `RS`, `AS alice`, `AS dave`. */
  readonly peer: string
  /** `GET /photos/photo.jpg`, or `401` for a response. */
  readonly what: string
  /** What it means: `no token`, `UMA challenge from AS alice, ticket 3f9a2c…`. */
  readonly detail: string
  /** What the exchange was about. */
  readonly kind: ExchangeKind
  /** Whether the response is a success. */
  readonly ok?: boolean
}

/** The body as text where it is one already (forms and JSON); streams are left unread. */
function bodyText(body: RequestInit['body']): string | undefined {
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  return undefined
}

/**
 * Wraps `fetch` so each exchange is reported through `report`.
 *
 * @param actor - who is calling, for the lines
 * @param cast - names the servers and resources
 * @param report - receives each line
 * @param inner - the `fetch` to wrap
 * @returns the reporting `fetch`
 */
export function tracingFetch(
  actor: string,
  cast: Cast,
  report: (line: TraceLine) => void,
  inner: typeof fetch = fetch,
): typeof fetch {
  return async function tracedFetch(input, init) {
    // read without building a Request: that would consume a streamed body
    const url = new URL(input instanceof Request ? input.url : input)
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}))
    const peer = cast.peerOf(url)
    const toRs = peer === 'RS'
    const body = bodyText(init?.body)
    const { kind, detail } = toRs
      ? describeRsRequest(url, headers)
      : describeAsRequest(url, method, headers, body, cast)
    const path = cast.pathOf(url)
    report({ actor, direction: 'request', peer, what: `${method} ${path}`, detail, kind })
    const response = await inner(input, init)
    const described = toRs
      ? await describeRsResponse(response, kind, cast)
      : await describeAsResponse(response, kind, cast)
    const what = String(response.status)
    report({ actor, direction: 'response', peer, what, detail: described, kind, ok: response.ok })
    return response
  }
}
