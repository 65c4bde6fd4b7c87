/**
 * @module OAuth endpoint calls written by `oauth4webapi` and judged by uma-kit: oauth4webapi
 * writes the request (client authentication of every kind, form encoding), the request travels
 * through {@link callAs} (the credential-URL check, the timeout and deadline, no redirects, a
 * bounded body), and the raw answer comes back, so that vendor deviations a strict parser would
 * reject can be read leniently.
 */
import {
  ClientSecretBasic,
  None,
  allowInsecureRequests,
  customFetch,
  genericTokenEndpointRequest,
  introspectionRequest,
  type AuthorizationServer,
  type ClientAuth,
} from 'oauth4webapi'
import { UmaError, argumentError, describeReceived, isUmaError } from './errors.js'
import { callAs, type AsResponse } from './http.js'
import type { UmaServerMetadata } from './types.js'
import { checkCredentialUrl } from './url.js'

export type { ClientAuth } from 'oauth4webapi'

/** How uma-kit authenticates as an OAuth client and bounds its calls. */
export interface OAuthClientSettings {
  /** The client's identifier at the AS. */
  readonly clientId: string
  /** The client authentication (`ClientSecretBasic(secret)`, `PrivateKeyJwt(key)`, `None()`). */
  readonly clientAuth: ClientAuth
  /** Bound on the whole call, headers and body. */
  readonly timeoutMs: number
  /** When the operation the call belongs to must be over (ms since the epoch). */
  readonly deadline?: number | undefined
  /** The caller's cancellation. */
  readonly signal?: AbortSignal | undefined
  /** The `fetch` to use; global `fetch` by default. */
  readonly fetch?: typeof fetch | undefined
  /** Largest body read. @default 1 MiB */
  readonly maxBodyBytes?: number | undefined
}

/** One call to the token or the introspection endpoint. */
export type OAuthRequest =
  | {
      readonly kind: 'grant'
      readonly grantType: string
      readonly parameters: Record<string, string>
    }
  | {
      readonly kind: 'introspection'
      readonly token: string
      readonly parameters: Record<string, string>
    }

/**
 * Picks the client authentication from the `clientAuth` and `clientSecret` options: `clientAuth`
 * where given, else `client_secret_basic` with the secret, else none (a public client, or an AS
 * such as SolidLab's that checks none: the README's vendor notes); each package decides whether none
 * is acceptable.
 *
 * @param clientSecret - the `clientSecret` option
 * @param clientAuth - the `clientAuth` option
 * @returns the client authentication to use, or `undefined` when neither was given
 * @throws {TypeError} for a `clientSecret` that is not a non-empty string, or a `clientAuth`
 *   that is not a function
 */
export function resolveClientAuth(
  clientSecret: unknown,
  clientAuth: unknown,
): ClientAuth | undefined {
  if (clientAuth !== undefined) {
    if (typeof clientAuth !== 'function') {
      throw argumentError(
        'ERR_INVALID_ARG_TYPE',
        `options.clientAuth must be a ClientAuth function of openid-client or oauth4webapi, received ${describeReceived(clientAuth)}`,
      )
    }
    return clientAuth as ClientAuth
  }
  if (clientSecret === undefined) return undefined
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.clientSecret must be a non-empty string, received ${describeReceived(clientSecret)}`,
    )
  }
  return ClientSecretBasic(clientSecret)
}

/** No client authentication: a public client. */
export const noClientAuth: () => ClientAuth = None

/**
 * Client authentication as a bearer token (Keycloak's requesting-party token on the uma-ticket
 * grant): `Authorization: Bearer <token>` and nothing in the body.
 *
 * @param token - the bearer token
 * @returns the client authentication
 */
export function bearerClientAuth(token: string): ClientAuth {
  return (_as, client, body, headers) => {
    // a public client names itself in the body, as RFC 6749 §2.3 has it
    body.set('client_id', client.client_id)
    headers.set('authorization', `Bearer ${token}`)
  }
}

/**
 * Makes one call to the token endpoint (a grant) or the introspection endpoint, and returns the
 * answer as received, whatever its status, for the caller to judge.
 *
 * @param metadata - the AS's metadata; `issuer` and the endpoint used must be set
 * @param client - client id, authentication, bounds, `fetch`
 * @param purpose - what the call is for, in error messages: `'PAT request'`
 * @param request - the grant or the token to introspect
 * @returns the answer
 * @throws {UmaError} `insecure_endpoint` (nothing sent), `as_unreachable` (network error,
 *   timeout, deadline), `invalid_response` (a body over the bound), `discovery_failed` (no
 *   such endpoint), `invalid_client` (the client authentication could not be applied)
 */
export async function callOAuthEndpoint(
  metadata: UmaServerMetadata,
  client: OAuthClientSettings,
  purpose: string,
  request: OAuthRequest,
): Promise<AsResponse> {
  const name = request.kind === 'grant' ? 'token_endpoint' : 'introspection_endpoint'
  const endpoint = metadata[name]
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new UmaError('discovery_failed', `the AS ${metadata.issuer} names no ${name}`)
  }
  checkCredentialUrl(endpoint, purpose)
  let answer: AsResponse | undefined
  // what the transport threw (a timeout, the caller's abort): passed on as it is
  let sent: { failure: unknown } | undefined
  const options = {
    // checked above: https, or http on loopback only
    [allowInsecureRequests]: endpoint.startsWith('http:'),
    [customFetch]: async (
      url: string,
      init: { method: string; headers: Record<string, string>; body: URLSearchParams },
    ) => {
      try {
        answer = await callAs(
          url,
          { method: init.method, headers: init.headers, body: init.body.toString() },
          { ...client, purpose },
        )
      } catch (failure) {
        sent = { failure }
        throw failure
      }
      // oauth4webapi hands this back untouched; the answer read above is what counts
      return new Response(null, { status: 204 })
    },
  }
  const as = metadata as unknown as AuthorizationServer
  const registration = { client_id: client.clientId }
  try {
    if (request.kind === 'grant') {
      await genericTokenEndpointRequest(
        as,
        registration,
        client.clientAuth,
        request.grantType,
        request.parameters,
        options,
      )
    } else {
      await introspectionRequest(as, registration, client.clientAuth, request.token, {
        ...options,
        additionalParameters: request.parameters,
      })
    }
  } catch (err) {
    if (sent !== undefined) throw sent.failure
    if (isUmaError(err)) throw err
    throw new UmaError(
      'invalid_client',
      `${purpose} could not be made: the client authentication failed`,
      {
        cause: err,
      },
    )
  }
  if (answer === undefined) {
    throw new UmaError('invalid_client', `${purpose} could not be made`)
  }
  return answer
}
