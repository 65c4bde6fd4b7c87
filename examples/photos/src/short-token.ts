/**
 * Tokens in the tutorial log: cut to a few characters, enough to tell them apart, never enough
 * to use.
 */

/**
 * Cuts a token to its first characters. A JWT's first characters are its header, alike in every
 * token of an AS, so a JWT is cut to the first characters of its signature instead.
 *
 * @param token - a token, ticket or id
 * @param keep - how many characters to show
 * @returns the cut token
 */
export function shortToken(token: string, keep = 10): string {
  const parts = token.split('.')
  if (parts.length === 3 && token.startsWith('eyJ')) {
    return `eyJ…${(parts[2] ?? '').slice(0, Math.min(keep, 8))}`
  }
  return token.length <= keep ? token : `${token.slice(0, keep)}…`
}
