/**
 * @module Which responses carry a UMA challenge the client answers.
 */
import { parseUmaChallenge, type UmaChallenge } from '@uma-kit/core'

/**
 * The UMA challenge of a 401, or of a 403 (UMA 1.0 resource servers such as Gluu's uma-rs send
 * their challenge with 403).
 *
 * @param response - a resource server's response
 * @returns the challenge, or `undefined` for any other response
 */
export function umaChallengeOf(response: Response): UmaChallenge | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined
  return parseUmaChallenge(response.headers.get('www-authenticate'))
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
