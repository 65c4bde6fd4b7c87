/**
 * @module Apereo CAS's RPT request (Apereo CAS: see the README's vendor notes): UMA 1.0's RPT endpoint, `rptAuthzRequest`,
 * takes a JSON body and an AAT (an access token with scope `uma_authorization`) as bearer, and
 * answers `{"rpt": …}`. It is used where the AS's metadata names an `rpt_endpoint`, as CAS's
 * UMA 1.0 discovery document does (with `version: "1.0"`), or as `metadata` sets by hand.
 */
import { UMA_TICKET_GRANT, UmaError, type UmaServerMetadata } from '@uma-kit/core'
import {
  callAs,
  callOAuthEndpoint,
  createSingleFlight,
  isJsonObject,
  numberMember,
  readErrorBody,
  stringMember,
  unexpectedStatus,
  type AsResponse,
} from '@uma-kit/core/internal'
import { LRUCache } from 'lru-cache'
import { abortable } from './abort.js'
import type { ClaimToken, ResolvedClientOptions } from './options.js'
import { shownUrl } from './shown.js'
import { credentialsFor } from './client-credentials.js'

/** What goes in CAS's JSON RPT request. */
export interface CasRptRequest {
  readonly ticket: string
  readonly rpt?: string | undefined
  readonly claimToken?: ClaimToken | undefined
}

/**
 * Sends CAS's RPT request. The answer comes back as received, for `readGrantResponse`.
 *
 * @param endpoint - the `rpt_endpoint`
 * @param request - ticket, RPT, pushed claims (CAS reads no `pct` or `scope`)
 * @param aat - the bearer token with scope `uma_authorization`
 * @param options - the checked options
 * @param signal - the caller's cancellation
 * @returns the answer
 * @throws {UmaError} `insecure_endpoint`, `as_unreachable`, `invalid_response` (see `callAs`)
 */
export function sendCasRptRequest(
  endpoint: string,
  request: CasRptRequest,
  aat: string,
  options: ResolvedClientOptions,
  signal: AbortSignal | undefined,
): Promise<AsResponse> {
  const body: Record<string, string> = { grant_type: UMA_TICKET_GRANT, ticket: request.ticket }
  if (request.rpt !== undefined) body.rpt = request.rpt
  if (request.claimToken !== undefined) {
    body.claim_token = request.claimToken.claim_token
    body.claim_token_format = request.claimToken.claim_token_format
  }
  return callAs(
    endpoint,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${aat}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
    },
    { fetch: options.fetch, timeoutMs: options.timeoutMs, signal, purpose: 'UMA RPT request' },
  )
}

/** AATs the client obtains for itself (client credentials, scope `uma_authorization`). */
export interface AatSource {
  /**
   * An AAT for the AS, from the cache or the token endpoint.
   *
   * @param metadata - the AS's metadata (its `token_endpoint`)
   * @param signal - the caller's cancellation (the request itself is shared)
   * @returns the AAT
   * @throws {UmaError} `invalid_client` where the AS refuses the client, `as_error`,
   *   `as_unreachable`, `invalid_response`
   */
  get(metadata: UmaServerMetadata, signal?: AbortSignal): Promise<string>
  /** Forgets the AAT of an issuer, after the RPT endpoint refused a request made with it. */
  forget(issuer: string): void
}

/** Seconds taken off an AAT's `expires_in`, so it is not sent as it expires. */
const EXPIRY_MARGIN_SECONDS = 30
/** How long an AAT without `expires_in` is kept. */
const DEFAULT_AAT_SECONDS = 300

/**
 * Creates the AAT source of a client.
 *
 * @param options - the checked options
 * @returns the source
 */
export function createAatSource(options: ResolvedClientOptions): AatSource {
  const cache = new LRUCache<string, string>({ max: 100 })
  const flights = createSingleFlight<string, string>()

  async function obtain(metadata: UmaServerMetadata): Promise<string> {
    const client = credentialsFor(options, metadata.issuer)
    const response = await callOAuthEndpoint(
      metadata,
      {
        clientId: client.clientId,
        clientAuth: client.clientAuth,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
      },
      'AAT request',
      {
        kind: 'grant',
        grantType: 'client_credentials',
        parameters: { scope: 'uma_authorization' },
      },
    )
    const body = isJsonObject(response.json) ? response.json : undefined
    const aat = body === undefined ? undefined : stringMember(body, 'access_token')
    if (response.status < 200 || response.status >= 300 || aat === undefined) {
      throw refusal(response, metadata.token_endpoint, client.clientId)
    }
    const expiresIn = body === undefined ? undefined : numberMember(body, 'expires_in')
    const seconds = (expiresIn ?? DEFAULT_AAT_SECONDS) - EXPIRY_MARGIN_SECONDS
    if (seconds > 0) cache.set(metadata.issuer, aat, { ttl: seconds * 1000 })
    return aat
  }

  return {
    get(metadata, signal) {
      const held = cache.get(metadata.issuer)
      if (held !== undefined) return Promise.resolve(held)
      return abortable(
        flights.run(metadata.issuer, () => obtain(metadata)),
        signal,
      )
    },
    forget(issuer) {
      cache.delete(issuer)
    },
  }
}

function refusal(response: AsResponse, endpoint: string, clientId: string): UmaError {
  if (response.status >= 200 && response.status < 300) {
    return new UmaError('invalid_response', 'AAT request: the answer holds no access_token', {
      asStatus: response.status,
    })
  }
  const info = readErrorBody(response)
  const clientRefused =
    (response.status === 400 || response.status === 401) &&
    (info.error === undefined || /client/.test(info.error))
  if (!clientRefused) return unexpectedStatus(response, 'AAT request')
  return new UmaError(
    'invalid_client',
    `the client id \`${clientId}\` was refused by ${shownUrl(endpoint)} when asking for an AAT (${info.error ?? `HTTP ${response.status}`})`,
    { asStatus: response.status, error: info.error, errorDescription: info.errorDescription },
  )
}
