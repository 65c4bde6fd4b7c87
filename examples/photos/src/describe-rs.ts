/**
 * What a client's request to the photo RS and its answer mean, in a few words: which RPT went,
 * which AS the challenge named, what the RS's RFC 9728 document lists.
 */
import { parseUmaChallenge } from '@uma-kit/core'
import type { Cast } from './cast.js'
import { shortToken } from './short-token.js'
import type { ExchangeKind } from './trace.js'

/**
 * Describes a request to the RS.
 *
 * @param url - where it goes
 * @param headers - its headers
 * @returns what it is about, and a few words
 */
export function describeRsRequest(
  url: URL,
  headers: Headers,
): { kind: ExchangeKind; detail: string } {
  if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
    return { kind: 'resource-metadata', detail: "the RS's RFC 9728 metadata: which ASes?" }
  }
  const authorization = headers.get('authorization')
  if (authorization === null) return { kind: 'resource', detail: 'no token' }
  const [scheme = '', token = ''] = authorization.split(' ')
  return { kind: 'resource', detail: `${scheme} RPT ${shortToken(token)}` }
}

async function describeMetadata(response: Response, cast: Cast): Promise<string> {
  const json = (await response.clone().json()) as { authorization_servers?: unknown }
  const servers = Array.isArray(json.authorization_servers) ? json.authorization_servers : []
  return `authorization_servers: ${servers.map((s) => cast.asName(String(s))).join(', ')}`
}

/**
 * Describes the RS's answer.
 *
 * @param response - the answer, read through a clone
 * @param kind - what the request was about
 * @param cast - names the ASes
 * @returns a few words
 */
export async function describeRsResponse(
  response: Response,
  kind: ExchangeKind,
  cast: Cast,
): Promise<string> {
  if (kind === 'resource-metadata' && response.ok) return describeMetadata(response, cast)
  const challenge = parseUmaChallenge(response.headers.get('www-authenticate'))
  if (challenge !== undefined) {
    return `UMA challenge from ${cast.asName(challenge.asUri)}, ticket ${shortToken(challenge.ticket)}`
  }
  const warning = response.headers.get('warning')
  if (warning !== null) return warning
  const type = response.headers.get('content-type') ?? ''
  const body = await response.clone().arrayBuffer()
  if (type.startsWith('application/json')) return new TextDecoder().decode(body)
  return `${type.split(';')[0] ?? 'body'}, ${body.byteLength} bytes`
}
