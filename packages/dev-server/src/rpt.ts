/**
 * @module RPTs: ES256 JWTs with the spec's `permissions` claim (spec and CAS shapes) or
 * Keycloak's `authorization.permissions` (Keycloak; see the README's vendor notes); opaque tokens in the WSO2 shape, as WSO2
 * IS issues by default. Every RPT is recorded, for introspection and upgrades.
 */
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import type { DevServerShape } from './shapes.js'
import {
  opaqueToken,
  resourceName,
  type AsState,
  type GrantedPermission,
  type StoredRpt,
} from './state.js'

/** What an RPT is made for. */
export interface RptRequest {
  /** The client that asked for it. */
  clientId: string
  /** The requesting party. @default clientId */
  subject?: string | undefined
  permissions: GrantedPermission[]
  /** Lifetime in seconds; zero or less mints an RPT that has already expired. */
  expiresIn?: number | undefined
  /** The JWT's `aud`. @default the client ids of the resource servers of the resources */
  audience?: string[] | undefined
}

function claimsOf(shape: DevServerShape, state: AsState, request: RptRequest, exp: number) {
  if (shape === 'keycloak') {
    return {
      typ: 'Bearer',
      azp: request.clientId,
      authorization: {
        permissions: request.permissions.map((p) => ({
          rsid: p.resource_id,
          rsname: resourceName(state, p.resource_id),
          scopes: p.resource_scopes,
        })),
      },
    }
  }
  return { azp: request.clientId, permissions: request.permissions.map((p) => ({ ...p, exp })) }
}

/**
 * Makes and records an RPT.
 *
 * @param state - the AS's memory
 * @param shape - the wire shape, which decides the RPT's format
 * @param issuer - the `iss` of JWT RPTs
 * @param request - client, requesting party, permissions, lifetime
 * @returns the RPT and its lifetime in seconds
 */
export async function issueRpt(
  state: AsState,
  shape: DevServerShape,
  issuer: string,
  request: RptRequest,
): Promise<{ rpt: string; expiresIn: number }> {
  const expiresIn = request.expiresIn ?? state.config.lifetimes.rptSeconds
  const now = state.now()
  // `now` is floored to the second: one more keeps a fresh RPT alive for its whole lifetime
  const exp = expiresIn > 0 ? now + expiresIn + 1 : now + expiresIn
  const subject = request.subject ?? request.clientId
  const record: StoredRpt = {
    clientId: request.clientId,
    subject,
    issuedAt: now,
    expiresAt: exp,
    permissions: request.permissions,
  }
  if (shape === 'wso2') {
    const rpt = opaqueToken()
    state.rpts.set(`opaque:${rpt}`, record)
    return { rpt, expiresIn }
  }
  const jti = opaqueToken()
  const audience = request.audience ?? [
    ...new Set(
      request.permissions
        .map((p) => state.resources.get(p.resource_id)?.rsClient)
        .filter((id): id is string => id !== undefined),
    ),
  ]
  const rpt = await new SignJWT(claimsOf(shape, state, request, exp))
    .setProtectedHeader({ alg: 'ES256', kid: state.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(state.signingKey)
  state.rpts.set(`jti:${jti}`, record)
  return { rpt, expiresIn }
}

function isJwt(token: string): boolean {
  try {
    decodeProtectedHeader(token)
    return true
  } catch {
    return false
  }
}

/**
 * Finds an RPT this AS issued: a JWT it signed, or an opaque RPT it recorded.
 *
 * @returns the record and, for a JWT, its claims; `undefined` for anything else or an expired RPT
 */
export async function readRpt(
  state: AsState,
  issuer: string,
  token: string,
): Promise<{ record: StoredRpt; payload: JWTPayload | undefined } | undefined> {
  if (!isJwt(token)) {
    const record = state.rpts.get(`opaque:${token}`)
    return record === undefined || record.expiresAt <= state.now()
      ? undefined
      : { record, payload: undefined }
  }
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [state.publicJwk] }), {
      issuer,
      algorithms: ['ES256'],
      currentDate: new Date(state.now() * 1000),
    })
    const record = payload.jti === undefined ? undefined : state.rpts.get(`jti:${payload.jti}`)
    if (record === undefined || record.expiresAt <= state.now()) return undefined
    return { record, payload }
  } catch {
    return undefined
  }
}
