/**
 * @module Signed RPTs checked locally against the AS's `jwks_uri` (`rptValidation: 'jwt'`).
 */
import { UmaError, isUmaError } from '@uma-kit/core'
import { callAs } from '@uma-kit/core/internal'
import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedAs } from './as-options.js'
import { INACTIVE, toCheckedRpt, type CheckedRpt } from './checked-rpt.js'

/** Longest JWT looked at; an RPT longer than this is no RPT any AS issues. */
const MAX_JWT_LENGTH = 8192

/** A JWKS over this is refused: real key sets are a few KiB. */
const MAX_JWKS_BYTES = 256 * 1024

/**
 * Tells a JWS compact serialisation from an opaque token, without trusting anything in it.
 *
 * @param token - an RPT
 * @returns whether it has three base64url parts and a header with `alg`
 */
export function looksLikeJwt(token: string): boolean {
  if (token.length > MAX_JWT_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return false
  try {
    return typeof decodeProtectedHeader(token).alg === 'string'
  } catch {
    return false
  }
}

/** Failures of the JWKS itself, as opposed to a bad token. */
function jwksFailure(err: unknown): UmaError | undefined {
  if (isUmaError(err)) return err
  if (err instanceof errors.JWKSTimeout) {
    return new UmaError('as_unreachable', 'the JWKS request timed out', { cause: err })
  }
  if (err instanceof errors.JWKSInvalid) {
    return new UmaError('as_error', 'the AS gave no usable JWKS', { cause: err })
  }
  if (err instanceof errors.JOSEError) {
    // other JOSE errors are about the token; a generic one is about the key set's answer
    return err.code === 'ERR_JOSE_GENERIC'
      ? new UmaError('as_error', 'the AS gave no usable JWKS', { cause: err })
      : undefined
  }
  if (err instanceof Error) {
    return new UmaError('as_unreachable', 'the JWKS request failed', { cause: err })
  }
  return undefined
}

/**
 * How long after a fetch of the JWKS a token signed by an unknown key is refused without
 * fetching it again: a bound on what a stream of made-up `kid`s costs the AS, and the longest an
 * AS that rotated its keys (or restarted with new ones, as Keycloak in development mode does)
 * sees its new tokens refused. jose's default of 30 s outlasted a Keycloak restart.
 */
const JWKS_COOLDOWN_MS = 5_000

/** A failed verification that a fresh key set might fix (the AS rotated its key, SolidLab's restart). */
function mayNeedNewKeys(err: unknown): boolean {
  return (
    err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey
  )
}

/**
 * Creates the local JWT check of one AS: signature by a key of that AS's JWKS, `iss` equal to
 * that AS's issuer, `exp` required and checked with `nbf` under the clock tolerance, `aud`
 * holding one of the expected audiences (by default the RS's client id, as Keycloak sets it). A
 * key set without `kid`s is tried key by key; a failed signature fetches the JWKS again once,
 * at most once per {@link JWKS_COOLDOWN_MS}.
 * The JWKS is fetched through the same guarded call as every AS call (https or loopback,
 * timeout, no redirects, at most 256 KiB). A token that fails any check is inactive; a JWKS
 * that cannot be fetched is an `UmaError`.
 *
 * @param as - the AS's resolved options
 * @param timeoutMs - bound on the JWKS request
 * @param toleranceSeconds - accepted clock skew
 * @param metadata - where `jwks_uri` is
 * @param fetchImpl - the transport's `fetch`
 * @returns `verify(rpt)`
 * @see the README's vendor notes
 */
export function createJwtVerifier(
  as: ResolvedAs,
  timeoutMs: number,
  toleranceSeconds: number,
  metadata: MetadataSource,
  fetchImpl: typeof fetch,
): (rpt: string) => Promise<CheckedRpt> {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined

  async function keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (keys !== undefined) return keys
    const { url } = await metadata.endpoint('jwks_uri')
    keys = createRemoteJWKSet(new URL(url), {
      timeoutDuration: timeoutMs,
      cooldownDuration: JWKS_COOLDOWN_MS,
      [customFetch]: async (input, init) => {
        const answer = await callAs(
          input,
          { method: 'GET', headers: init.headers },
          { fetch: fetchImpl, timeoutMs, maxBodyBytes: MAX_JWKS_BYTES, purpose: 'JWKS request' },
        )
        return new Response(answer.text, { status: answer.status, headers: answer.headers })
      },
    })
    return keys
  }

  const verifyOptions = {
    issuer: [as.issuer, `${as.issuer}/`],
    audience: [...as.audience],
    clockTolerance: toleranceSeconds,
    // a JWT RPT without exp would be valid forever
    requiredClaims: ['exp'],
  }

  async function verifyWith(rpt: string, getKey: JWTVerifyGetKey): Promise<JWTPayload> {
    try {
      return (await jwtVerify(rpt, getKey, verifyOptions)).payload
    } catch (err) {
      if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err
      // no kid and several keys: try each (SolidLab signs without kid)
      for await (const key of err) {
        try {
          return (await jwtVerify(rpt, key, verifyOptions)).payload
        } catch {
          continue
        }
      }
      throw new errors.JWSSignatureVerificationFailed()
    }
  }

  return async function verify(rpt) {
    if (!looksLikeJwt(rpt)) return INACTIVE
    const jwks = await keySet()
    try {
      let payload: JWTPayload
      try {
        payload = await verifyWith(rpt, jwks)
      } catch (err) {
        if (!mayNeedNewKeys(err) || jwks.coolingDown) throw err
        await jwks.reload()
        payload = await verifyWith(rpt, jwks)
      }
      return toCheckedRpt({ ...payload, active: true }, rpt.length)
    } catch (err) {
      const failure = jwksFailure(err)
      if (failure !== undefined) throw failure
      return INACTIVE
    }
  }
}
