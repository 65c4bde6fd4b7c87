/**
 * @module Signed RPTs checked locally against the AS's `jwks_uri` (`rptValidation: 'jwt'`).
 */
import { UmaError, isUmaError, type RptIntrospection } from '@uma-kit/core'
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
import type { ResolvedOptions } from './options.js'

const INACTIVE: RptIntrospection = Object.freeze({ active: false })

/**
 * Tells a JWS compact serialisation from an opaque token, without trusting anything in it.
 *
 * @param token - an RPT
 * @returns whether it has three base64url parts and a header with `alg`
 */
export function looksLikeJwt(token: string): boolean {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return false
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
  if (err instanceof errors.JWKSInvalid || err instanceof errors.JOSEError) {
    // other JOSE errors are about the token; these two are about the key set
    if (err instanceof errors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC') {
      return new UmaError('as_error', 'the AS gave no usable JWKS', { cause: err })
    }
    return undefined
  }
  if (err instanceof Error) {
    return new UmaError('as_unreachable', 'the JWKS request failed', { cause: err })
  }
  return undefined
}

/** A failed verification that a fresh key set might fix (the AS rotated its key, SolidLab's restart). */
function mayNeedNewKeys(err: unknown): boolean {
  return (
    err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey
  )
}

/**
 * Creates the local JWT check of a resource server: signature by a key of the AS's JWKS, `iss`
 * equal to the issuer, `exp` and `nbf` with the clock tolerance, `aud` when `audience` is set.
 * A key set without `kid`s is tried key by key; a failed signature fetches the JWKS again once.
 * A token that fails any check is inactive; a JWKS that cannot be fetched is an `UmaError`.
 *
 * @param options - the resolved options
 * @param metadata - where `jwks_uri` is
 * @param fetchImpl - the transport's `fetch`
 * @returns `verify(rpt)`, resolving with the payload as an active introspection
 * @see wire.md pitfall 29
 */
export function createJwtVerifier(
  options: ResolvedOptions,
  metadata: MetadataSource,
  fetchImpl: typeof fetch,
): (rpt: string) => Promise<RptIntrospection> {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined

  async function keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (keys !== undefined) return keys
    const { url } = await metadata.endpoint('jwks_uri')
    keys = createRemoteJWKSet(new URL(url), {
      timeoutDuration: options.timeoutMs,
      [customFetch]: (input, init) => fetchImpl(input, init),
    })
    return keys
  }

  const verifyOptions = {
    issuer: [options.issuer, `${options.issuer}/`],
    clockTolerance: options.clockToleranceSeconds,
    ...(options.audience === undefined ? {} : { audience: [...options.audience] }),
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
      return { ...payload, active: true }
    } catch (err) {
      const failure = jwksFailure(err)
      if (failure !== undefined) throw failure
      return INACTIVE
    }
  }
}
