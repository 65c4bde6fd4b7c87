/**
 * @module The uma-ticket grant request (UMA Grant §3.3.1): oauth4webapi writes the form for the
 * token endpoint, or, for an AS whose metadata names an `rpt_endpoint` (CAS), the JSON RPT
 * request goes there; either answer is read by `readGrantResponse`.
 */
import { UMA_TICKET_GRANT, type DiscoveryCache, type UmaServerMetadata } from '@uma-kit/core'
import { bearerClientAuth, callOAuthEndpoint, resolveMetadata } from '@uma-kit/core/internal'
import { abortable } from './abort.js'
import { createAatSource, sendCasRptRequest } from './cas.js'
import { credentialsFor } from './client-credentials.js'
import { readGrantResponse, type GrantedRpt } from './grant-response.js'
import type { ClaimToken, ResolvedClientOptions } from './options.js'

/** One grant request's parameters. */
export interface GrantRequest {
  /** The trusted, normalised issuer. */
  readonly issuer: string
  readonly ticket: string
  readonly rpt?: string | undefined
  readonly pct?: string | undefined
  readonly claimToken?: ClaimToken | undefined
  readonly scope?: string | undefined
  /** The requesting party's token, sent as bearer in place of client authentication. */
  readonly partyToken?: string | undefined
  /** The caller's cancellation. */
  readonly signal?: AbortSignal | undefined
}

/** Talks to the token endpoints of the trusted issuers. */
export interface GrantClient {
  /**
   * The metadata of a trusted issuer: set by hand where it holds `needed`, else discovered.
   *
   * @param issuer - a trusted, normalised issuer
   * @param needed - the members about to be used
   * @param signal - the caller's cancellation (discovery itself is shared, and not cancelled)
   * @returns the metadata
   */
  metadata(
    issuer: string,
    needed?: readonly string[],
    signal?: AbortSignal,
  ): Promise<UmaServerMetadata>
  /**
   * Makes one uma-ticket grant request.
   *
   * @param request - ticket, RPT, PCT, claims, scope, the party's token, the signal
   * @returns the RPT granted
   * @throws {UmaError} with the outcome's code
   */
  request(request: GrantRequest): Promise<GrantedRpt>
}

/**
 * Creates the grant client.
 *
 * @param options - the checked options
 * @param discovery - the discovery cache
 * @returns the grant client
 */
export function createGrantClient(
  options: ResolvedClientOptions,
  discovery: DiscoveryCache,
): GrantClient {
  const aats = createAatSource(options)
  const metadata: GrantClient['metadata'] = (issuer, needed = ['token_endpoint'], signal) =>
    abortable(resolveMetadata(issuer, options.metadata.get(issuer), needed, discovery), signal)

  async function casRequest(as: UmaServerMetadata, endpoint: string, request: GrantRequest) {
    const aat = request.partyToken ?? (await aats.get(as, request.signal))
    const response = await sendCasRptRequest(endpoint, request, aat, options, request.signal)
    if (request.partyToken === undefined && response.status >= 400) aats.forget(as.issuer)
    return response
  }

  return {
    metadata,
    async request(request) {
      const manual = options.metadata.get(request.issuer)
      const needed = typeof manual?.rpt_endpoint === 'string' ? ['rpt_endpoint'] : undefined
      const as = await metadata(request.issuer, needed, request.signal)
      const rptEndpoint = as.rpt_endpoint
      if (typeof rptEndpoint === 'string' && rptEndpoint !== '') {
        const response = await casRequest(as, rptEndpoint, request)
        return readGrantResponse(response, as, {
          endpoint: rptEndpoint,
          clientId: credentialsFor(options, request.issuer).clientId,
        })
      }
      const params: Record<string, string> = { ticket: request.ticket }
      if (request.rpt !== undefined) params.rpt = request.rpt
      if (request.pct !== undefined) params.pct = request.pct
      if (request.claimToken !== undefined) {
        params.claim_token = request.claimToken.claim_token
        params.claim_token_format = request.claimToken.claim_token_format
      }
      const scope = request.scope ?? options.scope
      if (scope !== undefined) params.scope = scope
      const client = credentialsFor(options, request.issuer)
      const response = await callOAuthEndpoint(
        as,
        {
          clientId: client.clientId,
          // Keycloak identifies the requesting party by its bearer token; one Authorization only
          clientAuth:
            request.partyToken === undefined
              ? client.clientAuth
              : bearerClientAuth(request.partyToken),
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
          signal: request.signal,
        },
        'UMA grant request',
        { kind: 'grant', grantType: UMA_TICKET_GRANT, parameters: params },
      )
      return readGrantResponse(response, as, {
        endpoint: as.token_endpoint,
        clientId: client.clientId,
      })
    },
  }
}
