/**
 * @module The uma-ticket grant request (UMA Grant §3.3.1): oauth4webapi writes it, uma-kit reads
 * the answer leniently.
 */
import {
  UMA_TICKET_GRANT,
  UmaError,
  type DiscoveryCache,
  type UmaServerMetadata,
} from '@uma-kit/core'
import { bearerClientAuth, callOAuthEndpoint, resolveMetadata } from '@uma-kit/core/internal'
import { readGrantResponse, type GrantedRpt } from './grant-response.js'
import type { ClaimToken, ResolvedClientOptions } from './options.js'

/** One grant request's parameters. */
export interface GrantRequest {
  /** The trusted, normalised issuer. */
  issuer: string
  ticket: string
  rpt?: string | undefined
  pct?: string | undefined
  claimToken?: ClaimToken | undefined
  scope?: string | undefined
}

/** Talks to the token endpoints of the trusted issuers. */
export interface GrantClient {
  /**
   * The metadata of a trusted issuer: set by hand where it holds `needed`, else discovered.
   *
   * @param issuer - a trusted, normalised issuer
   * @param needed - the members about to be used
   * @returns the metadata
   */
  metadata(issuer: string, needed?: readonly string[]): Promise<UmaServerMetadata>
  /**
   * Makes one uma-ticket grant request.
   *
   * @param request - ticket, RPT, PCT, claims, scope
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
  const metadata = (issuer: string, needed: readonly string[] = ['token_endpoint']) =>
    resolveMetadata(issuer, options.metadata.get(issuer), needed, discovery)

  return {
    metadata,
    async request(request) {
      const as = await metadata(request.issuer)
      const params: Record<string, string> = { ticket: request.ticket }
      if (request.rpt !== undefined) params.rpt = request.rpt
      if (request.pct !== undefined) params.pct = request.pct
      if (request.claimToken !== undefined) {
        params.claim_token = request.claimToken.claim_token
        params.claim_token_format = request.claimToken.claim_token_format
      }
      const scope = request.scope ?? options.scope
      if (scope !== undefined) params.scope = scope
      const partyToken = await requestingPartyToken(options)
      const response = await callOAuthEndpoint(
        as,
        {
          clientId: options.clientId,
          // Keycloak identifies the requesting party by its bearer token; one Authorization only
          clientAuth: partyToken === undefined ? options.clientAuth : bearerClientAuth(partyToken),
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
        },
        'UMA grant request',
        { kind: 'grant', grantType: UMA_TICKET_GRANT, parameters: params },
      )
      const sensitive = [
        ...options.sensitive,
        ...[
          request.ticket,
          request.rpt,
          request.pct,
          request.claimToken?.claim_token,
          partyToken,
        ].filter((value): value is string => value !== undefined),
      ]
      return readGrantResponse(response, as, sensitive)
    },
  }
}

async function requestingPartyToken(options: ResolvedClientOptions): Promise<string | undefined> {
  if (options.requestingPartyToken === undefined) return undefined
  const token = await options.requestingPartyToken()
  if (token === undefined || token === '') return undefined
  if (typeof token !== 'string' || /[\s"\\]/.test(token) || token.length > 16_384) {
    throw new UmaError('invalid_request', 'options.requestingPartyToken() gave an unusable token')
  }
  return token
}
