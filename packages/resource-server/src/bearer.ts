/**
 * @module Reading the bearer token of an `Authorization` value (RFC 6750 §2.1), on every request.
 */

/** Longest bearer token looked at; a longer one is refused without asking the AS. */
const MAX_TOKEN_LENGTH = 8192
/**
 * `Bearer` (any case), spaces, an RFC 6750 §2.1 b64token, optional trailing spaces: one linear
 * pass, since this runs on every request.
 */
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*) *$/

/**
 * The bearer token of an `Authorization` value (RFC 6750 §2.1), or `undefined` for anything
 * else: another scheme, no token, extra parts, characters a b64token cannot hold, or a token
 * over 8 KiB.
 *
 * @param authorization - the header value
 * @returns the token
 */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string' || authorization.length > MAX_TOKEN_LENGTH + 16) {
    return undefined
  }
  const token = BEARER.exec(authorization)?.[1]
  return token === undefined || token.length > MAX_TOKEN_LENGTH ? undefined : token
}

const SPACE = 32
/** `bearer`, as char codes; OR-ing 0x20 into an ASCII letter gives its lower case. */
const BEARER_CODES = [98, 101, 97, 114, 101, 114]

/** Whether the value starts with `Bearer` in any case, without a copy per request. */
function isBearerScheme(value: string): boolean {
  for (let i = 0; i < 6; i++) {
    // only the letter itself and its upper case OR to a lower-case letter's code
    if ((value.charCodeAt(i) | 0x20) !== BEARER_CODES[i]) return false
  }
  return true
}

/**
 * What follows `Bearer ` in an `Authorization` value, spaces trimmed, without checking its
 * characters: enough to look the token up in the cache, where only tokens that passed
 * {@link bearerToken} are ever kept.
 */
export function bearerCandidate(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined
  const length = authorization.length
  if (length < 8 || length > MAX_TOKEN_LENGTH + 16 || authorization.charCodeAt(6) !== SPACE) {
    return undefined
  }
  if (!isBearerScheme(authorization)) return undefined
  let start = 7
  while (authorization.charCodeAt(start) === SPACE) start++
  let end = length
  while (end > start && authorization.charCodeAt(end - 1) === SPACE) end--
  return end > start ? authorization.slice(start, end) : undefined
}
