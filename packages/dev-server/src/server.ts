/**
 * @module The development UMA 2.0 authorization server: Express routes over one in-memory state,
 * listening on loopback, stoppable and restartable on the same port with its state kept.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type ErrorRequestHandler, type Express } from 'express'
import { claimsRoutes } from './claims-page.js'
import type { AsConfig } from './config.js'
import type { AsEventListener } from './events.js'
import { oauthError } from './http.js'
import { decideRequest, ownerRoutes } from './owner.js'
import { pathsFor, type AsMode, type AsPaths } from './paths.js'
import { introspectionEndpoint, permissionEndpoint, resourceRoutes } from './protection.js'
import { createAsState, type AsState, type PendingRequest } from './state.js'
import {
  tokenEndpoint,
  UMA_TICKET_GRANT,
  ID_TOKEN_FORMAT,
  JWT_CLAIMS_FORMAT,
} from './token-endpoint.js'

/** Options of {@link createAuthorizationServer}. */
export interface AuthorizationServerOptions {
  /** Owners, clients and policies (see `config/photos.json`). */
  config: AsConfig
  /** The wire shape: the spec's (default) or Keycloak's paths and error codes. */
  mode?: AsMode
  /** Keycloak's realm name, in `'keycloak'` mode. @default 'photos' */
  realm?: string
  /** Receives an event for each thing the AS does; never given a token. */
  onEvent?: AsEventListener
}

/** A development AS. */
export interface AuthorizationServer {
  /** The Express app, to mount elsewhere or test with supertest-like tools. */
  readonly app: Express
  /** The in-memory state; it survives `close()` and a new `listen()`. */
  readonly state: AsState
  readonly mode: AsMode
  readonly paths: AsPaths
  /** The issuer (`as_uri`); set once the server listens. */
  readonly issuer: string
  /**
   * Starts listening on 127.0.0.1.
   *
   * @param port - 0 for a free port (default), or the port of an earlier run to restart on it
   * @returns the issuer
   */
  listen(port?: number): Promise<string>
  /** Stops listening and drops open connections; the state is kept. */
  close(): Promise<void>
  /** Requests waiting for an owner's approval. */
  pendingRequests(owner: string): PendingRequest[]
  /** Records an owner's decision, as the owner endpoint does. */
  decide(owner: string, requestId: string, decision: 'approve' | 'deny'): PendingRequest | undefined
}

/**
 * Creates a development AS (not listening yet).
 *
 * @param options - configuration, mode, event listener
 * @returns the server
 */
export async function createAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const mode = options.mode ?? 'spec'
  const paths = pathsFor(mode, options.realm)
  const state = await createAsState(options.config)
  const emit: AsEventListener = (event) => {
    try {
      options.onEvent?.(event)
    } catch {
      // a failing listener must not break the AS
    }
  }
  let origin = ''
  const issuer = () => `${origin}${paths.base}`
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }))
  app.use(express.json({ limit: '64kb' }))

  app.get(`${paths.base}/.well-known/uma2-configuration`, (_req, res) => {
    const base = issuer()
    res.json({
      issuer: base,
      token_endpoint: `${origin}${paths.token}`,
      introspection_endpoint: `${origin}${paths.introspection}`,
      resource_registration_endpoint: `${origin}${paths.resources}`,
      permission_endpoint: `${origin}${paths.permission}`,
      jwks_uri: `${origin}${paths.jwks}`,
      ...(paths.claims === undefined
        ? {}
        : { claims_interaction_endpoint: `${origin}${paths.claims}` }),
      grant_types_supported: ['client_credentials', UMA_TICKET_GRANT],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      uma_profiles_supported: [],
      claim_token_profiles_supported: [JWT_CLAIMS_FORMAT, ID_TOKEN_FORMAT],
    })
  })
  app.get(paths.jwks, (_req, res) => {
    res.json({ keys: [state.publicJwk] })
  })
  const tokenHandler = tokenEndpoint({ state, mode, paths, issuer, emit })
  app.post(paths.token, (req, res, next) => {
    tokenHandler(req, res).catch(next)
  })
  const introspect = introspectionEndpoint({ state, mode, issuer, emit })
  app.post(paths.introspection, (req, res, next) => {
    introspect(req, res).catch(next)
  })
  app.post(paths.permission, permissionEndpoint({ state, mode, issuer, emit }))
  const router = express.Router()
  resourceRoutes(router, paths.resources, { state, mode, issuer, emit })
  if (paths.claims !== undefined) claimsRoutes(router, paths.claims, state, emit)
  ownerRoutes(router, paths.ownerRequests, state, emit)
  app.use(router)
  app.use((_req, res) => {
    oauthError(res, 404, 'not_found', 'no such endpoint')
  })
  const onError: ErrorRequestHandler = (
    err: { type?: unknown; status?: unknown },
    _req,
    res,
    _next,
  ) => {
    // body-parser's errors carry a type and a 4xx status; nothing else is told to the caller
    if (typeof err.type === 'string' && typeof err.status === 'number' && err.status < 500) {
      oauthError(res, err.status, 'invalid_request', 'the request body cannot be read')
      return
    }
    oauthError(res, 500, 'server_error', 'internal error')
  }
  app.use(onError)

  let server: Server | undefined
  return {
    app,
    state,
    mode,
    paths,
    get issuer() {
      return issuer()
    },
    async listen(port = 0) {
      if (server !== undefined) throw new Error('the authorization server is already listening')
      const started = app.listen(port, '127.0.0.1')
      await new Promise<void>((resolve, reject) => {
        started.once('listening', resolve)
        started.once('error', reject)
      })
      server = started
      origin = `http://127.0.0.1:${(started.address() as AddressInfo).port}`
      return issuer()
    },
    async close() {
      const running = server
      server = undefined
      if (running === undefined) return
      running.closeAllConnections()
      await new Promise<void>((resolve) => running.close(() => resolve()))
    },
    pendingRequests: (owner) =>
      [...state.requests.values()]
        .filter((r) => r.owner === owner && r.status === 'pending')
        .map((r) => ({ ...r })),
    decide: (owner, id, decision) => decideRequest(state, owner, id, decision, emit),
  }
}
