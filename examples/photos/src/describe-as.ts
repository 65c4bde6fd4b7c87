/**
 * What a request to an AS and its answer mean, in a few words: discovery, the RS's PAT, a
 * permission ticket, an introspection, a resource registration, the client's uma-ticket grant.
 */
import type { Cast } from './cast.js'
import { shortToken } from './short-token.js'
import type { ExchangeKind } from './trace.js'

type Json = Record<string, unknown>

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Scope names: strings, or Keycloak's `{ name }` objects. */
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map((v: unknown) => {
        if (typeof v === 'string') return v
        return isJson(v) && typeof v.name === 'string' ? v.name : '?'
      })
    : []

/** `photo.jpg [view]` for a permission (the spec's member names, or Keycloak's). */
function permission(p: unknown, cast: Cast): string {
  if (!isJson(p)) return '?'
  const id = p.resource_id ?? p.rsid
  const scopes = list(p.resource_scopes ?? p.scopes)
  return `${typeof id === 'string' ? cast.resourceName(id) : '?'} [${scopes.join(' ')}]`
}

/** How a request authenticates: `as photo-rs` (Basic: the client id only), `with the PAT`. */
function credentials(headers: Headers): string {
  const [scheme = '', value = ''] = (headers.get('authorization') ?? '').split(' ')
  if (scheme.toLowerCase() === 'bearer') return 'with the PAT'
  if (scheme.toLowerCase() !== 'basic') return 'no credentials'
  // the client id only: what follows the colon is the secret
  const user = Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '?'
  try {
    return `as client ${decodeURIComponent(user)}`
  } catch {
    return `as client ${user}`
  }
}

function describeGrant(form: URLSearchParams): { kind: ExchangeKind; detail: string } {
  const parts = [`uma-ticket grant, ticket ${shortToken(form.get('ticket') ?? '?')}`]
  if (form.has('rpt')) parts.push(`RPT ${shortToken(form.get('rpt') ?? '')} to upgrade`)
  if (form.has('pct')) parts.push('PCT')
  if (form.has('claim_token')) parts.push('pushed claims')
  return { kind: form.has('rpt') ? 'upgrade' : 'grant', detail: parts.join(', ') }
}

/**
 * Describes a request to an AS.
 *
 * @param url - where it goes
 * @param method - its method
 * @param headers - its headers: how the caller authenticated
 * @param body - its body, where it is text
 * @param cast - names the resources
 * @returns what it is about, and a few words
 */
export function describeAsRequest(
  url: URL,
  method: string,
  headers: Headers,
  body: string | undefined,
  cast: Cast,
): { kind: ExchangeKind; detail: string } {
  const path = url.pathname
  const how = credentials(headers)
  if (path.includes('/.well-known/')) return { kind: 'discovery', detail: 'discovery' }
  if (path.endsWith('/introspect')) {
    const token = new URLSearchParams(body ?? '').get('token') ?? '?'
    return { kind: 'introspection', detail: `is RPT ${shortToken(token)} active? (${how})` }
  }
  if (path.endsWith('/permission')) {
    const asked = parse(body)
    const permissions = (Array.isArray(asked) ? asked : [asked]).map((p) => permission(p, cast))
    return { kind: 'ticket', detail: `ticket for ${permissions.join(', ')} (${how})` }
  }
  if (path.includes('resource_set')) {
    const described = parse(body)
    const name = isJson(described) ? String(described.name) : url.searchParams.get('name')
    const verb = method === 'POST' ? 'register' : method === 'GET' ? 'look up' : method
    return { kind: 'registration', detail: `${verb} ${name ?? 'resources'} (${how})` }
  }
  const form = new URLSearchParams(body ?? '')
  const grant = form.get('grant_type') ?? ''
  if (grant === 'client_credentials') {
    const scope = form.get('scope') ?? '-'
    return { kind: 'pat', detail: `client credentials grant, scope ${scope} (${how})` }
  }
  if (grant.endsWith('uma-ticket')) return describeGrant(form)
  return { kind: 'other', detail: path }
}

function describeError(json: Json): string {
  const parts = [String(json.error)]
  if (typeof json.error_description === 'string') parts.push(json.error_description)
  if (Array.isArray(json.required_claims)) {
    const names = json.required_claims.map((c: unknown) =>
      isJson(c) && typeof c.name === 'string' ? c.name : '?',
    )
    parts.push(`asks for ${names.join(', ')}`)
  }
  if (typeof json.interval === 'number') parts.push(`poll every ${json.interval} s`)
  if (typeof json.ticket === 'string') parts.push(`new ticket ${shortToken(json.ticket)}`)
  return parts.join(', ')
}

function describeAnswer(json: Json, kind: ExchangeKind, cast: Cast): string | undefined {
  if (typeof json.error === 'string') return describeError(json)
  if (kind === 'introspection') {
    if (json.active !== true) return 'inactive: this AS does not vouch for it'
    // the spec's top-level permissions, or Keycloak's token claims (authorization.permissions)
    const claims = isJson(json.authorization) ? json.authorization : json
    const held = Array.isArray(claims.permissions) ? claims.permissions : []
    return `active, ${held.map((p) => permission(p, cast)).join(', ') || 'no permissions'}`
  }
  if (typeof json.access_token === 'string') {
    if (kind === 'pat')
      return `PAT ${shortToken(json.access_token)}, for ${String(json.expires_in)} s`
    const upgraded = json.upgraded === true ? ', upgraded' : ''
    const pct = typeof json.pct === 'string' ? ', PCT' : ''
    return `RPT ${shortToken(json.access_token)}${upgraded}${pct}`
  }
  if (typeof json.ticket === 'string') return `ticket ${shortToken(json.ticket)}`
  if (typeof json._id === 'string') return `resource ${cast.resourceName(json._id)}`
  if (typeof json.token_endpoint === 'string') return 'metadata: token_endpoint, ...'
  return undefined
}

/**
 * Describes an AS's answer.
 *
 * @param response - the answer, read through a clone
 * @param kind - what the request was about
 * @param cast - names the resources
 * @returns a few words
 */
export async function describeAsResponse(
  response: Response,
  kind: ExchangeKind,
  cast: Cast,
): Promise<string> {
  const text = await response.clone().text()
  const json = parse(text)
  if (Array.isArray(json)) return `${json.length} found`
  if (isJson(json)) return describeAnswer(json, kind, cast) ?? `${text.length} bytes`
  return `${text.length} bytes`
}
