/**
 * @module OAuth endpoint calls built by `openid-client` and judged by uma-kit: openid-client
 * writes the request (client authentication of every kind, form encoding), and the raw answer
 * is kept so vendor deviations that openid-client rightly rejects can still be read leniently.
 */
import {
  ClientSecretBasic,
  Configuration,
  None,
  allowInsecureRequests,
  customFetch,
  type ClientAuth,
  type ServerMetadata,
} from 'openid-client'
import { argumentError, describeReceived } from './errors.js'
import { callAs, type AsResponse } from './http.js'
import type { UmaServerMetadata } from './types.js'

/** How uma-kit authenticates as an OAuth client and bounds its calls. */
export interface OAuthClientSettings {
  /** The client's identifier at the AS. */
  readonly clientId: string
  /** openid-client's client authentication (`ClientSecretBasic(secret)`, `PrivateKeyJwt(key)`, `None()`). */
  readonly clientAuth: ClientAuth
  /** Bound on the whole call, headers and body. */
  readonly timeoutMs: number
  /** The `fetch` to use; global `fetch` by default. */
  readonly fetch?: typeof fetch | undefined
  /** Largest body read. @default 1 MiB */
  readonly maxBodyBytes?: number | undefined
  /**
   * Headers set on the request after openid-client wrote it; Keycloak's requesting-party
   * `Authorization: Bearer` goes here, with `clientAuth` `None()`.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** What one OAuth call gave: openid-client's verdict and the raw answer behind it. */
export interface OAuthCallResult<T> {
  /** openid-client's result where it accepted the answer. */
  readonly value?: T
  /** What openid-client threw where it did not; judge {@link OAuthCallResult.response} then. */
  readonly rejection?: unknown
  /** The answer as received (its status unchanged), or `undefined` when no request was sent. */
  readonly response?: AsResponse
}

/**
 * Picks the client authentication from the `clientAuth` and `clientSecret` options: `clientAuth`
 * where given, else `client_secret_basic` with the secret, else none (a public client, or an AS
 * such as SolidLab's that checks none: wire.md pitfall 20).
 *
 * @param clientSecret - the `clientSecret` option
 * @param clientAuth - the `clientAuth` option
 * @returns the client authentication to use
 * @throws {TypeError} for a `clientSecret` that is not a non-empty string, or a `clientAuth`
 *   that is not a function
 */
export function resolveClientAuth(clientSecret: unknown, clientAuth: unknown): ClientAuth {
  if (clientAuth !== undefined) {
    if (typeof clientAuth !== 'function') {
      throw argumentError(
        'ERR_INVALID_ARG_TYPE',
        `options.clientAuth must be an openid-client ClientAuth function, received ${describeReceived(clientAuth)}`,
      )
    }
    return clientAuth as ClientAuth
  }
  if (clientSecret === undefined) return None()
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.clientSecret must be a non-empty string, received ${describeReceived(clientSecret)}`,
    )
  }
  return ClientSecretBasic(clientSecret)
}

/** Statuses a `Response` may not carry a body with. */
const NULL_BODY_STATUSES = new Set([204, 205, 304])

/**
 * The answer as openid-client is shown it: any 2xx becomes 200, because vendors answer token
 * and introspection requests with 201 (SolidLab's PAT, CAS), which RFC 6749 §5.1 does not allow
 * but which carries a usable body all the same.
 */
function asFetchResponse(response: AsResponse): Response {
  const status = response.status >= 200 && response.status < 300 ? 200 : response.status
  const headers = new Headers(response.headers)
  // the body is already decoded and measured
  headers.delete('content-encoding')
  headers.delete('content-length')
  const body = NULL_BODY_STATUSES.has(status) ? null : response.text
  return new Response(body, { status, headers })
}

function usesHttp(metadata: UmaServerMetadata): boolean {
  return Object.values(metadata).some((value) => typeof value === 'string' && /^http:/i.test(value))
}

/**
 * Makes one call to an OAuth endpoint of the AS with openid-client (`clientCredentialsGrant`,
 * `genericGrantRequest`, `tokenIntrospection`), through {@link callAs}: a timeout over headers
 * and body, no redirects, a bounded body. Transport failures throw; every HTTP answer is
 * returned, with openid-client's verdict beside it, for the caller to judge.
 *
 * A fresh openid-client `Configuration` is made per call so that each call sees its own raw
 * answer, even when calls run concurrently. Plain `http` endpoints are allowed: callers decide
 * which issuers they trust (the client allows `http` on loopback only).
 *
 * @param metadata - the AS's metadata; `issuer` and the endpoint used must be set
 * @param client - client id, authentication, timeout, `fetch`
 * @param purpose - what the call is for, in error messages: `'PAT request'`
 * @param run - calls openid-client with the configuration
 * @returns openid-client's value or rejection, and the raw answer
 * @throws {UmaError} `as_unreachable` on a network error or timeout, `invalid_response` for a
 *   body over the bound
 */
export async function callOAuthEndpoint<T>(
  metadata: UmaServerMetadata,
  client: OAuthClientSettings,
  purpose: string,
  run: (config: Configuration) => Promise<T>,
): Promise<OAuthCallResult<T>> {
  const config = new Configuration(
    metadata as unknown as ServerMetadata,
    client.clientId,
    undefined,
    client.clientAuth,
  )
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback development ASes speak http
  if (usesHttp(metadata)) allowInsecureRequests(config)
  // ours is the bound that matters (callAs); openid-client's own is set just past it
  config.timeout = Math.ceil(client.timeoutMs / 1000) + 1
  let response: AsResponse | undefined
  let transportError: Error | undefined
  config[customFetch] = async (url, init) => {
    const headers = new Headers(init.headers)
    for (const [name, value] of Object.entries(client.headers ?? {})) headers.set(name, value)
    try {
      response = await callAs(
        url,
        {
          method: init.method,
          headers,
          body: init.body as NonNullable<RequestInit['body']> | null,
        },
        {
          fetch: client.fetch,
          timeoutMs: client.timeoutMs,
          maxBodyBytes: client.maxBodyBytes,
          purpose,
        },
      )
    } catch (err) {
      transportError = err as Error
      throw err
    }
    return asFetchResponse(response)
  }
  try {
    const value = await run(config)
    return response === undefined ? { value } : { value, response }
  } catch (rejection) {
    if (transportError !== undefined) throw transportError
    return response === undefined ? { rejection } : { rejection, response }
  }
}
