/**
 * @module RPTs as ES256 JWTs: the spec's `permissions` claim, or Keycloak's
 * `authorization.permissions` (wire.md §6.1).
 */
import { SignJWT, jwtVerify, createLocalJWKSet, type JWTPayload } from 'jose'
import type { AsMode } from './paths.js'
import {
  opaqueToken,
  type AsState,
  type GrantedPermission,
  type StoredRpt,
  resourceName,
} from './state.js'

/**
 * Signs and records an RPT.
 *
 * @returns the RPT and its lifetime in seconds
 */
export async function issueRpt(
  state: AsState,
  mode: AsMode,
  issuer: string,
  clientId: string,
  permissions: GrantedPermission[],
): Promise<{ rpt: string; expiresIn: number }> {
  const expiresIn = state.config.lifetimes.rptSeconds
  const now = state.now()
  const jti = opaqueToken()
  const audience = [
    ...new Set(
      permissions
        .map((p) => state.resources.get(p.resource_id)?.rsClient)
        .filter((id): id is string => id !== undefined),
    ),
  ]
  // `now` is floored to the second: one more keeps a fresh RPT alive for its whole lifetime
  const exp = now + expiresIn + 1
  const claims: JWTPayload =
    mode === 'keycloak'
      ? {
          typ: 'Bearer',
          azp: clientId,
          authorization: {
            permissions: permissions.map((p) => ({
              rsid: p.resource_id,
              rsname: resourceName(state, p.resource_id),
              scopes: p.resource_scopes,
            })),
          },
        }
      : { azp: clientId, permissions: permissions.map((p) => ({ ...p, exp })) }
  const rpt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: state.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(state.signingKey)
  state.rpts.set(jti, { clientId, expiresAt: exp, permissions })
  return { rpt, expiresIn }
}

/**
 * Verifies an RPT this AS issued and finds its record.
 *
 * @returns the record and the JWT's claims, or `undefined` for anything else
 */
export async function readRpt(
  state: AsState,
  issuer: string,
  token: string,
): Promise<{ record: StoredRpt; payload: JWTPayload } | undefined> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [state.publicJwk] }), {
      issuer,
      algorithms: ['ES256'],
      currentDate: new Date(state.now() * 1000),
    })
    const record = payload.jti === undefined ? undefined : state.rpts.get(payload.jti)
    if (record === undefined || record.expiresAt <= state.now()) return undefined
    return { record, payload }
  } catch {
    return undefined
  }
}
