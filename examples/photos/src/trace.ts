/**
 * A `fetch` that reports every exchange a client makes, as one line per request and one per
 * response, so the demo can show the UMA flow as it happens. Tokens are cut to their first
 * characters: enough to tell them apart, never enough to use.
 */
import { parseUmaChallenge } from '@uma-kit/core'

/** One side of an exchange, ready to print. */
export interface TraceLine {
  /** Who made the call: `Bob`. */
  readonly actor: string
  /** `→` for a request, `←` for a response. */
  readonly direction: 'request' | 'response'
  /** Which server: `RS` or `AS`. */
  readonly peer: 'RS' | 'AS'
  /** `GET /photos/photo.jpg`, or `401` for a response. */
  readonly what: string
  /** What it means: `no token`, `UMA challenge, ticket 3f9a2c…`. */
  readonly detail: string
  /** Whether the response is a success. */
  readonly ok?: boolean
}

/** Cuts a token to its first characters. */
export function shortToken(token: string, keep = 10): string {
  return token.length <= keep ? token : `${token.slice(0, keep)}…`
}

function describeRsRequest(headers: Headers): string {
  const authorization = headers.get('authorization')
  if (authorization === null) return 'no token'
  const [scheme = '', token = ''] = authorization.split(' ')
  return `${scheme} RPT ${shortToken(token)}`
}

function describeGrant(body: URLSearchParams): string {
  const parts = [`uma-ticket grant, ticket ${shortToken(body.get('ticket') ?? '?')}`]
  if (body.has('rpt')) parts.push(`RPT ${shortToken(body.get('rpt') ?? '')} to upgrade`)
  if (body.has('pct')) parts.push('PCT')
  if (body.has('claim_token')) parts.push('pushed claims')
  return parts.join(', ')
}

function formBody(init: RequestInit | undefined): URLSearchParams | undefined {
  const body = init?.body
  if (body instanceof URLSearchParams) return body
  if (typeof body === 'string') return new URLSearchParams(body)
  return undefined
}

async function describeAsResponse(response: Response): Promise<string> {
  const text = await response.clone().text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    return `${text.length} bytes`
  }
  if (typeof json.access_token === 'string') {
    const upgraded = json.upgraded === true ? ', upgraded' : ''
    const pct = typeof json.pct === 'string' ? ', PCT' : ''
    return `RPT ${shortToken(json.access_token)}${upgraded}${pct}`
  }
  if (typeof json.error === 'string') return describeAsError(json)
  if (typeof json.token_endpoint === 'string') return 'metadata: token_endpoint, ...'
  return `${text.length} bytes`
}

function describeAsError(json: Record<string, unknown>): string {
  const parts = [String(json.error)]
  if (typeof json.error_description === 'string') parts.push(json.error_description)
  if (Array.isArray(json.required_claims)) {
    const names = json.required_claims.map((c: { name?: unknown }) =>
      typeof c.name === 'string' ? c.name : '?',
    )
    parts.push(`asks for ${names.join(', ')}`)
  }
  if (typeof json.interval === 'number') parts.push(`poll every ${json.interval} s`)
  if (typeof json.ticket === 'string') parts.push(`new ticket ${shortToken(json.ticket)}`)
  return parts.join(', ')
}

async function describeRsResponse(response: Response): Promise<string> {
  const challenge = parseUmaChallenge(response.headers.get('www-authenticate'))
  if (challenge !== undefined) return `UMA challenge, ticket ${shortToken(challenge.ticket)}`
  if (response.headers.get('warning') !== null) return String(response.headers.get('warning'))
  const type = response.headers.get('content-type') ?? ''
  const body = await response.clone().arrayBuffer()
  if (type.startsWith('application/json')) return new TextDecoder().decode(body)
  return `${type.split(';')[0] ?? 'body'}, ${body.byteLength} bytes`
}

/**
 * Wraps `fetch` so each exchange is reported through `report`.
 *
 * @param actor - who is calling, for the lines
 * @param asOrigin - the AS's origin: calls there are `AS`, all others `RS`
 * @param report - receives each line
 * @param inner - the `fetch` to wrap
 * @returns the reporting `fetch`
 */
export function tracingFetch(
  actor: string,
  asOrigin: string,
  report: (line: TraceLine) => void,
  inner: typeof fetch = fetch,
): typeof fetch {
  return async function tracedFetch(input, init) {
    // read without building a Request: that would consume a streamed body
    const url = new URL(input instanceof Request ? input.url : input)
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}))
    const peer = url.origin === asOrigin ? 'AS' : 'RS'
    const form = peer === 'AS' ? formBody(init) : undefined
    const detail =
      peer === 'RS'
        ? describeRsRequest(headers)
        : form?.get('grant_type')?.endsWith('uma-ticket') === true
          ? describeGrant(form)
          : 'discovery'
    report({ actor, direction: 'request', peer, what: `${method} ${url.pathname}`, detail })
    const response = await inner(input, init)
    const described =
      peer === 'RS' ? await describeRsResponse(response) : await describeAsResponse(response)
    report({
      actor,
      direction: 'response',
      peer,
      what: String(response.status),
      detail: described,
      ok: response.ok,
    })
    return response
  }
}
