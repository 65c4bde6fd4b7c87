/**
 * @module The development UMA authorization server: Express routes over one in-memory state,
 * listening on loopback by default, stoppable and restartable on the same port with its state
 * kept.
 */
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type ErrorRequestHandler, type Express } from 'express'
import { argumentError } from './arguments.js'
import type { AsConfig } from './config.js'
import type { ServerContext } from './context.js'
import { endpointsOf, type DevServerMetadata } from './discovery.js'
import type { AsEvent, AsEventListener } from './events.js'
import { oauthError } from './http.js'
import { decideRequest } from './owner.js'
import { mountRoutes } from './routes.js'
import { mintRpt, seedResource, type MintRptOptions, type SeedResource } from './seed.js'
import { DEV_SERVER_SHAPES, pathsFor, type AsPaths, type DevServerShape } from './shapes.js'
import { createAsState, type AsState, type PendingRequest } from './state.js'

/** How many recent events `events` keeps. */
const KEPT_EVENTS = 1000

/** Options of {@link createDevServer}. */
export interface CreateDevServerOptions {
  /** Owners, clients and policies, checked (see `checkConfig`). */
  config: AsConfig
  /** The wire shape. @default 'spec' */
  shape?: DevServerShape | undefined
  /** Keycloak's realm name, in the `'keycloak'` shape. @default 'photos' */
  realm?: string | undefined
  /** Receives an event for each thing the AS does; never given a token. */
  onEvent?: AsEventListener | undefined
}

/** A development AS. */
export interface DevServer {
  /** The app as a request listener (an Express app), to mount elsewhere or call from tests. */
  readonly app: RequestListener
  /** The in-memory state; it survives `close()` and a new `listen()`. */
  readonly state: AsState
  readonly shape: DevServerShape
  readonly paths: AsPaths
  /** The issuer (`as_uri`); set once the server listens. */
  readonly issuer: string
  /** The endpoints, as a resource server's or client's `metadata` option takes them. */
  readonly metadata: DevServerMetadata
  /** The last 1000 events, oldest first. */
  readonly events: readonly AsEvent[]
  /**
   * Starts listening.
   *
   * @param port - 0 for a free port (default), or the port of an earlier run to restart on it
   * @param host - the address to listen on @default '127.0.0.1'
   * @returns the issuer
   */
  listen(port?: number, host?: string): Promise<string>
  /** Stops listening and drops open connections; the state is kept. */
  close(): Promise<void>
  /** Requests waiting for an owner's approval. */
  pendingRequests(owner: string): PendingRequest[]
  /** Records an owner's decision, as the owner endpoint does. */
  decide(owner: string, requestId: string, decision: 'approve' | 'deny'): PendingRequest | undefined
  /** Registers a resource as its RS would (no PAT needed); returns its id. */
  registerResource(resource: SeedResource): string
  /** Mints an RPT for given permissions, which introspection (and the JWKS) vouch for; after `listen`. */
  mintRpt(options: MintRptOptions): Promise<string>
}

/** The origin's host: IPv6 in brackets, a wildcard address as loopback (what clients reach). */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

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

function createApp(ctx: ServerContext): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }))
  app.use(express.json({ limit: '64kb' }))
  const router = express.Router()
  mountRoutes(app, router, ctx)
  app.use(router)
  app.use((_req, res) => {
    oauthError(res, 404, 'not_found', 'no such endpoint')
  })
  app.use(onError)
  return app
}

/**
 * Creates a development AS (not listening yet).
 *
 * @param options - configuration, shape, event listener
 * @returns the server
 * @throws {TypeError} for an unknown shape
 */
export async function createDevServer(options: CreateDevServerOptions): Promise<DevServer> {
  const shape = options.shape ?? 'spec'
  if (!DEV_SERVER_SHAPES.includes(shape)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.shape must be one of ${DEV_SERVER_SHAPES.join(', ')}`,
    )
  }
  const paths = pathsFor(shape, options.realm)
  const state = await createAsState(options.config)
  const events: AsEvent[] = []
  const emit: AsEventListener = (event) => {
    events.push(event)
    if (events.length > KEPT_EVENTS) events.shift()
    try {
      options.onEvent?.(event)
    } catch {
      // a failing listener must not break the AS
    }
  }
  let origin = ''
  const ctx: ServerContext = {
    state,
    shape,
    paths,
    issuer: () => `${origin}${paths.base}`,
    url: (path) => `${origin}${path}`,
    emit,
  }
  const app = createApp(ctx)

  let server: Server | undefined
  return {
    app,
    state,
    shape,
    paths,
    events,
    get issuer() {
      return ctx.issuer()
    },
    get metadata() {
      return endpointsOf(ctx)
    },
    async listen(port = 0, host = '127.0.0.1') {
      if (server !== undefined) throw new Error('the authorization server is already listening')
      const started = app.listen(port, host)
      await new Promise<void>((resolve, reject) => {
        started.once('listening', resolve)
        started.once('error', reject)
      })
      server = started
      origin = `http://${urlHost(host)}:${(started.address() as AddressInfo).port}`
      return ctx.issuer()
    },
    async close() {
      const running = server
      server = undefined
      if (running === undefined) return
      running.closeAllConnections()
      await new Promise<void>((resolve) =>
        running.close(() => {
          resolve()
        }),
      )
    },
    pendingRequests: (owner) =>
      [...state.requests.values()]
        .filter((r) => r.owner === owner && r.status === 'pending')
        .map((r) => ({ ...r })),
    decide: (owner, id, decision) => decideRequest(state, owner, id, decision, emit),
    registerResource: (resource) => seedResource(ctx, resource),
    async mintRpt(mint) {
      // a JWT RPT names its issuer, which is known once the server listens
      if (origin === '')
        throw new Error('the authorization server must listen before it mints RPTs')
      return mintRpt(ctx, mint)
    },
  }
}
