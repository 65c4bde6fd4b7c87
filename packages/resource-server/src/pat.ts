/**
 * @module The protection API access token (UMA FedAuthz §1.3): fetched lazily by the
 * client-credentials grant (or taken from the user's `pat()`), reused until shortly before it
 * expires, renewed by one call however many requests wait, and renewed once when the AS
 * refuses it.
 */
import { UmaError } from '@uma-kit/core'
import {
  callAs,
  callOAuthEndpoint,
  createSingleFlight,
  isJsonObject,
  numberMember,
  stringMember,
  type AsResponse,
} from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedAs } from './as-options.js'
import type { CallContext } from './call-context.js'
import { isPatRejected, isSuccess, protectionError } from './protection-errors.js'

/** Renew this long before `expires_in` runs out, or half the lifetime where that is shorter. */
const RENEW_BEFORE_MS = 30_000

/** Hands out PATs. */
export interface PatProvider {
  /** The current PAT, fetched when there is none or it is about to expire. */
  get(context?: CallContext): Promise<string>
  /**
   * Makes a Protection API call with the PAT, renewing it once if the AS refuses it.
   *
   * @param call - the call, given the PAT
   * @param context - the decision's deadline
   * @returns the AS's answer to the last try
   */
  withPat(call: (pat: string) => Promise<AsResponse>, context?: CallContext): Promise<AsResponse>
  /**
   * One Protection API request with the PAT as its bearer token, within the call bounds and the
   * decision's deadline, renewing the PAT once if the AS refuses it.
   *
   * @param request - where, how and what
   * @param context - the decision's deadline
   * @returns the AS's answer to the last try
   */
  request(request: PatRequest, context?: CallContext): Promise<AsResponse>
}

/** One Protection API request; see {@link PatProvider.request}. */
export interface PatRequest {
  readonly url: string | URL
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The body's type; sent with bodiless requests too (CAS 6.x refuses GET without it). */
  readonly contentType: 'application/json' | 'application/x-www-form-urlencoded'
  readonly body?: string | undefined
  /** What the call is for, in error messages: `'ticket request'`. */
  readonly purpose: string
}

interface HeldPat {
  readonly token: string
  readonly renewAt: number
}

/** Reads the PAT leniently from the token endpoint's answer (any 2xx, any `token_type`). */
function readPat(response: AsResponse, clientId: string, endpoint: string) {
  const body = isJsonObject(response.json) ? response.json : undefined
  const token = body === undefined ? undefined : stringMember(body, 'access_token')
  // a PAT is a bearer token whatever its token_type says, or without one
  if (isSuccess(response.status) && body !== undefined && token !== undefined) {
    return { token, expiresIn: numberMember(body, 'expires_in') }
  }
  if (isSuccess(response.status)) {
    throw new UmaError(
      'invalid_response',
      `the PAT response of ${endpoint} holds no access_token`,
      {
        asStatus: response.status,
      },
    )
  }
  const err = protectionError(response, `PAT request to ${endpoint}`)
  const refusedClient =
    err.code === 'unauthorized' ||
    err.error === 'invalid_client' ||
    err.error === 'unauthorized_client'
  if (!refusedClient) throw err
  const said = err.error === undefined ? '' : ` ${err.error}`
  throw new UmaError(
    'unauthorized',
    `the client id "${clientId}" was refused by ${endpoint} (HTTP ${response.status}${said}): check clientId and clientSecret`,
    {
      asStatus: response.status,
      error: err.error,
      errorDescription: err.errorDescription,
      cause: err.cause,
    },
  )
}

/**
 * When to renew a PAT that lives `expiresIn` seconds: 30 s before the end, or half-way for a
 * short one; a PAT without a usable lifetime is kept until the AS refuses it.
 */
function renewAt(nowMs: number, expiresIn: number | undefined): number {
  if (expiresIn === undefined || expiresIn <= 0) return Infinity
  const lifetime = expiresIn * 1000
  return nowMs + lifetime - Math.min(RENEW_BEFORE_MS, lifetime / 2)
}

/** A 400 `invalid_scope`: the scope asked for does not exist at this AS. */
function refusedScope(response: AsResponse): boolean {
  const body = isJsonObject(response.json) ? response.json : undefined
  return response.status === 400 && body !== undefined && body.error === 'invalid_scope'
}

function checkSupplied(pat: unknown): string {
  if (typeof pat !== 'string' || pat === '' || pat.length > 16_384 || /[\s"\\]/.test(pat)) {
    throw new UmaError('invalid_response', 'options.pat() gave no usable PAT')
  }
  return pat
}

/**
 * Creates the PAT provider of one AS.
 *
 * @param as - the AS's resolved options
 * @param timeoutMs - bound on each call
 * @param metadata - where the token endpoint is
 * @param fetchImpl - the transport's `fetch`
 * @param now - the clock
 * @returns the provider
 */
export function createPatProvider(
  as: ResolvedAs,
  timeoutMs: number,
  metadata: MetadataSource,
  fetchImpl: typeof fetch,
  now: () => number = Date.now,
): PatProvider {
  let held: HeldPat | undefined
  // a stock Keycloak refuses the uma_protection scope (it is a client role there): after that,
  // ask for none, unless the user chose the scope
  let scope = as.patScope
  // after a refusal the next supplied PAT must be a new one
  let refused = false
  const renewal = createSingleFlight<'pat', string>()

  async function fetchPat(context: CallContext): Promise<string> {
    if (as.pat !== undefined) {
      const token = checkSupplied(await as.pat({ forceRefresh: refused, issuer: as.issuer }))
      refused = false
      held = { token, renewAt: Infinity }
      return token
    }
    const { metadata: document, url } = await metadata.endpoint('token_endpoint')
    const settings = {
      clientId: as.clientId,
      clientAuth: as.clientAuth,
      timeoutMs,
      deadline: context.deadline,
      fetch: fetchImpl,
    }
    const ask = (asked: string | false) =>
      callOAuthEndpoint(document, settings, 'PAT request', {
        kind: 'grant',
        grantType: 'client_credentials',
        parameters: asked === false ? {} : { scope: asked },
      })
    let response = await ask(scope)
    if (scope !== false && !as.patScopeChosen && refusedScope(response)) {
      scope = false
      response = await ask(scope)
    }
    const { token, expiresIn } = readPat(response, as.clientId, url)
    held = { token, renewAt: renewAt(now(), expiresIn) }
    return token
  }

  async function get(context: CallContext = {}): Promise<string> {
    if (held !== undefined && now() < held.renewAt) return held.token
    return renewal.run('pat', () => fetchPat(context))
  }

  async function withPat(
    call: (pat: string) => Promise<AsResponse>,
    context: CallContext = {},
  ): Promise<AsResponse> {
    const pat = await get(context)
    const response = await call(pat)
    if (!isPatRejected(response)) return response
    if (held?.token === pat) {
      held = undefined
      refused = true
    }
    return call(await get(context))
  }

  return {
    get,
    withPat,
    request(request, context = {}) {
      const { url, method, contentType, body, purpose } = request
      return withPat(
        (pat) =>
          callAs(
            url,
            {
              method,
              headers: {
                authorization: `Bearer ${pat}`,
                'content-type': contentType,
                accept: 'application/json',
              },
              ...(body === undefined ? {} : { body }),
            },
            { fetch: fetchImpl, timeoutMs, deadline: context.deadline, purpose },
          ),
        context,
      )
    },
  }
}
