/**
 * @module Pushed claims (UMA Grant §3.3.1 `claim_token`): base64url JSON claims (Keycloak's
 * `urn:ietf:params:oauth:token-type:jwt`) or an OpenID Connect ID token. ID token signatures are
 * not checked: this AS is for development (its README says so), and WSO2 IS does not check them
 * either (WSO2 IS: see the README's vendor notes).
 */
import { decodeJwt } from 'jose'

/** The UMA grant type. */
export const UMA_TICKET_GRANT = 'urn:ietf:params:oauth:grant-type:uma-ticket'
/** Keycloak's second claim format: base64url JSON claims such as `{"email":"bob@example.com"}`. */
export const JWT_CLAIMS_FORMAT = 'urn:ietf:params:oauth:token-type:jwt'
/** The OpenID Connect ID token format, spelled with `http` as the specs do. */
export const ID_TOKEN_FORMAT = 'http://openid.net/specs/openid-connect-core-1_0.html#IDToken'

function claimValues(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(source)) {
    const first: unknown = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') out[name] = first
  }
  return out
}

/**
 * Reads pushed claims, keeping string values (the first of an array).
 *
 * @param token - the `claim_token`
 * @param format - the `claim_token_format`
 * @returns the claims, or `undefined` when the token cannot be read in that format
 */
export function readClaimToken(token: string, format: string): Record<string, string> | undefined {
  try {
    if (format === JWT_CLAIMS_FORMAT) {
      const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
      return claimValues(parsed as Record<string, unknown>)
    }
    if (format === ID_TOKEN_FORMAT) return claimValues(decodeJwt(token))
  } catch {
    return undefined
  }
  return undefined
}
