/**
 * @module Which responses carry a UMA challenge the client answers, and what it reads from it.
 */
import { parseAuthChallenges } from '@uma-kit/core/internal'

/** A UMA challenge as the client uses it. */
export interface ClientChallenge {
  readonly asUri: string
  readonly ticket: string
  /** RFC 9728 §5.1: where the resource server's metadata is, as the challenge gave it. */
  readonly resourceMetadata?: string
}

/**
 * Reads the UMA challenge of a `WWW-Authenticate` value: the first `UMA` challenge with a
 * non-empty `as_uri` and `ticket`, as `parseUmaChallenge` picks it, with its
 * `resource_metadata`. Never throws.
 *
 * @param header - the field value
 * @returns the challenge, or `undefined`
 */
export function readChallenge(header: string | null | undefined): ClientChallenge | undefined {
  for (const { scheme, params } of parseAuthChallenges(header)) {
    if (scheme.toLowerCase() !== 'uma') continue
    const asUri = params.as_uri
    const ticket = params.ticket
    if (asUri === undefined || asUri === '' || ticket === undefined || ticket === '') continue
    const resourceMetadata = params.resource_metadata
    return resourceMetadata === undefined || resourceMetadata === ''
      ? { asUri, ticket }
      : { asUri, ticket, resourceMetadata }
  }
  return undefined
}

/**
 * The UMA challenge of a 401, or of a 403 (UMA 1.0 resource servers such as Gluu's uma-rs send
 * their challenge with 403).
 *
 * @param response - a resource server's response
 * @returns the challenge, or `undefined` for any other response
 */
export function umaChallengeOf(response: Response): ClientChallenge | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined
  return readChallenge(response.headers.get('www-authenticate'))
}

/**
 * Releases a response the caller will not see, so its connection can be reused.
 *
 * @param response - the response to drop
 */
export function discard(response: Response): void {
  // not awaited: some bodies (mocked ones among them) never settle a cancel
  response.body?.cancel().catch(() => undefined)
}
