/**
 * @module The protection API access token (UMA FedAuthz §1.3): fetched lazily by the
 * client-credentials grant, reused until shortly before it expires, renewed by one call however
 * many requests wait, and renewed once when the AS refuses it.
 */
import { UmaError } from '@uma-kit/core'
import {
  callOAuthEndpoint,
  createSingleFlight,
  isJsonObject,
  numberMember,
  stringMember,
  type AsResponse,
} from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedOptions } from './options.js'
import { isPatRejected, isSuccess, protectionError } from './protection-errors.js'

/** Renew this long before `expires_in` runs out. */
const RENEW_BEFORE_MS = 30_000

/** Hands out PATs. */
export interface PatProvider {
  /** The current PAT, fetched when there is none or it is about to expire. */
  get(): Promise<string>
  /**
   * Makes a Protection API call with the PAT, renewing it once if the AS refuses it.
   *
   * @param call - the call, given the PAT
   * @returns the AS's answer to the last try
   */
  withPat(call: (pat: string) => Promise<AsResponse>): Promise<AsResponse>
}

interface HeldPat {
  token: string
  renewAt: number
}

/** Reads the PAT leniently from the token endpoint's answer (any 2xx, any `token_type`). */
function readPat(response: AsResponse): {
  token: string
  expiresIn: number | undefined
} {
  const body = isJsonObject(response.json) ? response.json : undefined
  const token = body === undefined ? undefined : stringMember(body, 'access_token')
  // a PAT is a bearer token whatever its token_type says, or without one
  if (isSuccess(response.status) && body !== undefined && token !== undefined) {
    return { token, expiresIn: numberMember(body, 'expires_in') }
  }
  if (isSuccess(response.status)) {
    throw new UmaError('invalid_response', 'the PAT response holds no access_token', {
      asStatus: response.status,
    })
  }
  throw protectionError(response, 'PAT request')
}

/**
 * Creates the PAT provider of a resource server.
 *
 * @param options - the resolved options
 * @param metadata - where the token endpoint is
 * @param fetchImpl - the transport's `fetch`
 * @param now - the clock
 * @returns the provider
 */
export function createPatProvider(
  options: ResolvedOptions,
  metadata: MetadataSource,
  fetchImpl: typeof fetch,
  now: () => number = Date.now,
): PatProvider {
  let held: HeldPat | undefined
  const renewal = createSingleFlight<'pat', string>()

  async function fetchPat(): Promise<string> {
    if (options.pat !== undefined) return checkSupplied(await options.pat())
    const { metadata: as } = await metadata.endpoint('token_endpoint')
    const settings = {
      clientId: options.clientId,
      clientAuth: options.clientAuth,
      timeoutMs: options.timeoutMs,
      fetch: fetchImpl,
    }
    const response = await callOAuthEndpoint(as, settings, 'PAT request', {
      kind: 'grant',
      grantType: 'client_credentials',
      parameters: { scope: options.patScope },
    })
    const { token, expiresIn } = readPat(response)
    const lifetime = expiresIn === undefined ? Infinity : expiresIn * 1000
    held = { token, renewAt: now() + Math.max(0, lifetime - RENEW_BEFORE_MS) }
    return token
  }

  async function get(): Promise<string> {
    if (held !== undefined && now() < held.renewAt) return held.token
    return renewal.run('pat', fetchPat)
  }

  return {
    get,
    async withPat(call) {
      const pat = await get()
      const response = await call(pat)
      if (!isPatRejected(response)) return response
      if (held?.token === pat) held = undefined
      return call(await get())
    },
  }
}

function checkSupplied(pat: unknown): string {
  if (typeof pat !== 'string' || pat === '') {
    throw new UmaError('invalid_response', 'options.pat() gave no PAT')
  }
  return pat
}
