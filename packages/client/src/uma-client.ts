/**
 * @module `createUmaClient`: the grant and claims-gathering steps for code that handles the
 * UMA challenge itself (UMA Grant §3.3.1–3.3.3).
 */
import { UmaError } from '@uma-kit/core'
import { argumentError, isHttpsOrLoopback } from '@uma-kit/core/internal'
import { createEngine } from './engine.js'
import type { UmaFetchOptions } from './options.js'
import { resolveParty } from './party.js'
import { credentialsFor } from './client-credentials.js'

/** What `getRpt` asks the AS for. */
export interface GetRptInput {
  /** The challenge's `as_uri`; must be a trusted issuer. */
  asUri: string
  /** The newest permission ticket. */
  ticket: string
  /** An RPT to upgrade. */
  rpt?: string | undefined
  /** A persisted claims token from an earlier grant. */
  pct?: string | undefined
  /** Claims to push. */
  claimToken?: string | undefined
  /** The format of `claimToken`. */
  claimTokenFormat?: string | undefined
  /** Extra scopes, space-separated. */
  scope?: string | undefined
  /** Cancels the request. */
  signal?: AbortSignal | undefined
}

/** What `getRpt` obtained. */
export interface GetRptResult {
  rpt: string
  pct?: string
  upgraded: boolean
  expiresIn?: number
}

/** What `claimsInteractionUrl` builds on. */
export interface ClaimsInteractionInput {
  asUri: string
  ticket: string
  /** Where the AS sends the browser back; must be pre-registered at the AS. */
  claimsRedirectUri: string
  /** An unguessable value that `readClaimsRedirect` checks on return. */
  state: string
  /** The `redirectUser` of a `need_info` error, used instead of the AS's static endpoint. */
  redirectUser?: string | undefined
}

/** The client for callers that handle the challenge themselves. */
export interface UmaClient {
  /**
   * Makes one uma-ticket grant request (UMA Grant §3.3.1), with the client's authentication or
   * the `requestingPartyToken`, to the token endpoint (or CAS's `rpt_endpoint`).
   *
   * @param input - the trusted `asUri`, the ticket, and what goes with it
   * @returns the RPT, and the PCT, `upgraded` and `expiresIn` where the AS gave them
   * @throws {UmaError} every outcome but success, with its code (`need_info`, `request_denied`,
   *   `request_submitted`, `invalid_grant`, `untrusted_issuer`, `as_unreachable`, …)
   */
  getRpt(input: GetRptInput): Promise<GetRptResult>
  /**
   * The URL to send the requesting party's browser to, for interactive claims gathering (UMA
   * Grant §3.3.2): `redirectUser`, or else the AS's `claims_interaction_endpoint`, with
   * `client_id`, `ticket`, `claims_redirect_uri` and `state` added to its own query.
   *
   * @param input - the trusted `asUri`, the ticket, the redirect URI, the state
   * @returns the URL
   * @throws {UmaError} `untrusted_issuer`, `discovery_failed` (no claims endpoint)
   * @throws {TypeError} for a URL that is not `https` (plain `http` on loopback only)
   */
  claimsInteractionUrl(input: ClaimsInteractionInput): Promise<string>
  /**
   * Reads the AS's redirect back to `claimsRedirectUri` (UMA Grant §3.3.3).
   *
   * @param callbackUrl - the URL the browser came back to
   * @param expected - the `state` sent and the ticket sent
   * @returns the ticket to use next: the new one, or the old one where the AS sends none (CAS)
   * @throws {UmaError} `state_mismatch`, `request_denied`, `request_submitted`, `as_error`
   */
  readClaimsRedirect(
    callbackUrl: string | URL,
    expected: { state: string; ticket: string },
  ): {
    ticket: string
  }
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw argumentError('ERR_INVALID_ARG_TYPE', `${name} must be a non-empty string`)
  }
  return value
}

function checkBrowserUrl(value: string, name: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${name} must be an absolute URL`)
  }
  if (!isHttpsOrLoopback(url)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${name} must be https (plain http on loopback only)`,
    )
  }
  return url
}

const CLAIMS_ENDPOINTS = ['claims_interaction_endpoint', 'requesting_party_claims_endpoint']

/**
 * Creates a UMA client for code that handles challenges itself.
 *
 * @param options - the options of `createUmaFetch`
 * @returns `getRpt`, `claimsInteractionUrl`, `readClaimsRedirect`
 * @throws {TypeError} for bad options
 * @example
 * ```ts
 * import { createUmaClient } from '@uma-kit/client'
 *
 * const client = createUmaClient({ trustedIssuers: ['https://as.example'], clientId: 'app', clientSecret })
 * const { rpt } = await client.getRpt({ asUri: 'https://as.example', ticket })
 * ```
 */
export function createUmaClient(options: UmaFetchOptions): UmaClient {
  const engine = createEngine(options)
  return {
    async getRpt(input) {
      const issuer = engine.trust(requireString(input.asUri, 'asUri'))
      const claimToken =
        input.claimToken === undefined
          ? undefined
          : {
              claim_token: requireString(input.claimToken, 'claimToken'),
              claim_token_format: requireString(input.claimTokenFormat, 'claimTokenFormat'),
            }
      const party = await resolveParty(engine.party, input.signal)
      const granted = await engine.grant.request({
        issuer,
        ticket: requireString(input.ticket, 'ticket'),
        rpt: input.rpt,
        pct: input.pct,
        claimToken,
        scope: input.scope,
        partyToken: party.token,
        signal: input.signal,
      })
      return { ...granted }
    },

    async claimsInteractionUrl(input) {
      const issuer = engine.trust(requireString(input.asUri, 'asUri'))
      const ticket = requireString(input.ticket, 'ticket')
      const redirectUri = checkBrowserUrl(
        requireString(input.claimsRedirectUri, 'claimsRedirectUri'),
        'claimsRedirectUri',
      )
      if (redirectUri.hash !== '')
        throw argumentError('ERR_INVALID_ARG_VALUE', 'claimsRedirectUri must have no fragment')
      const state = requireString(input.state, 'state')
      let base = input.redirectUser
      if (base === undefined) {
        const metadata = await engine.grant.metadata(issuer, ['claims_interaction_endpoint'])
        const endpoint = CLAIMS_ENDPOINTS.map((name) => metadata[name]).find(
          (value): value is string => typeof value === 'string',
        )
        if (endpoint === undefined) {
          throw new UmaError(
            'discovery_failed',
            'the authorization server has no claims_interaction_endpoint',
          )
        }
        base = endpoint
      }
      const url = checkBrowserUrl(requireString(base, 'redirectUser'), 'redirectUser')
      url.searchParams.set('client_id', credentialsFor(engine.options, issuer).clientId)
      url.searchParams.set('ticket', ticket)
      url.searchParams.set('claims_redirect_uri', redirectUri.href)
      url.searchParams.set('state', state)
      return url.href
    },

    readClaimsRedirect(callbackUrl, expected) {
      let url: URL
      try {
        url = new URL(callbackUrl)
      } catch {
        throw argumentError('ERR_INVALID_ARG_VALUE', 'callbackUrl must be an absolute URL')
      }
      const params = url.searchParams
      if (params.get('state') !== requireString(expected.state, 'state')) {
        throw new UmaError('state_mismatch', 'the claims redirect carries another state')
      }
      const error = params.get('error')
      if (error !== null) {
        const denied = error === 'access_denied' || error === 'not_authorized'
        throw new UmaError(
          denied ? 'request_denied' : 'as_error',
          denied
            ? 'the requesting party or the authorization server refused to give claims'
            : 'the authorization server reported an error on the claims redirect',
          { error: /^[\w.:-]{1,100}$/.test(error) ? error : undefined },
        )
      }
      // UMA 1.0 (CAS) reports the outcome in authorization_state and keeps the old ticket
      const state = params.get('authorization_state')
      if (state === 'not_authorized') {
        throw new UmaError('request_denied', 'the authorization server refused the claims', {
          error: state,
        })
      }
      if (state === 'request_submitted') {
        throw new UmaError('request_submitted', 'the request awaits the resource owner', {
          error: state,
          ticket: expected.ticket,
        })
      }
      const ticket = params.get('ticket')
      return {
        ticket:
          ticket === null || ticket === '' ? requireString(expected.ticket, 'ticket') : ticket,
      }
    },
  }
}
