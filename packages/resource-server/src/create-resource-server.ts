/**
 * @module `createResourceServer`: the options resolved once, and every part wired to one
 * transport, one discovery cache, and one connection per AS (PAT, tickets, RPT checks, cache).
 */
import {
  createDiscoveryCache,
  type PermissionRequest,
  type RptIntrospection,
  type UmaServerMetadata,
} from '@uma-kit/core'
import { argumentError } from '@uma-kit/core/internal'
import type { RequestHandler } from 'express'
import type { AsConnection } from './as-connection.js'
import type { AuthorizationServerOptions } from './as-options.js'
import { createAuthorize, type AuthorizeInput } from './authorize.js'
import { createAuthorizationServers } from './authorization-servers.js'
import type { Allowed, Denied } from './decision.js'
import { createRequireUmaScope, type RequireUmaScopeOptions } from './middleware.js'
import { resolveOptions, type ResourceServerOptions } from './options.js'
import { createProtectionApi, type ProtectionApi } from './protection-api.js'
import { waitForAuthorizationServers, type ReadyOptions } from './ready.js'
import { createProtectedResourceMetadata } from './resource-metadata.js'
import type { ResourceRegistry } from './resources.js'
import { createSharedLevel, type SharedLevel } from './shared/shared-level.js'
import { createTransport } from './transport.js'

/** A configured resource server; see {@link createResourceServer}. */
export interface ResourceServer extends ProtectionApi {
  /**
   * Express middleware that lets a request through only with an RPT holding every scope on the
   * route's resource, vouched for by the AS that protects it, and otherwise answers 401 with a
   * UMA challenge (or 403 when authorization cannot be obtained now).
   *
   * @param scopes - the scope, or scopes, the route needs
   * @param options - the route's `resource` and `onDenied`
   * @returns the middleware
   * @throws {TypeError} at once, for no scopes or no way to find the route's resource
   */
  requireUmaScope(
    scopes: string | readonly string[],
    options?: RequireUmaScopeOptions,
  ): RequestHandler
  /**
   * The decision `requireUmaScope` wraps, for other frameworks.
   *
   * @param input - the `Authorization` value, the resource id, the scopes
   * @returns `Allowed`, or `Denied` with the status and headers to answer with
   * @throws {UmaError} `discovery_failed`, `issuer_mismatch`, `invalid_resource_id`,
   *   `invalid_scope`, `unauthorized`, `insecure_endpoint`, `unknown_issuer` and other
   *   misconfigurations
   */
  authorize(input: AuthorizeInput): Promise<Allowed | Denied>
  /**
   * The Protection API of one AS (with several ASes, the others are reached this way).
   *
   * @param issuer - a configured issuer
   * @returns its resources, tickets and introspection
   * @throws {TypeError} for an issuer that is not configured
   */
  forIssuer(issuer: string): ProtectionApi
  /**
   * Adds an AS while running (a user's AS learned at sign-up), checked as the factory checks
   * `authorizationServers` entries; needs `issuerFor`.
   *
   * @param options - the AS's options
   * @returns its Protection API
   * @throws {TypeError} for bad options, an issuer already configured, or past 100 ASes
   */
  addAuthorizationServer(options: AuthorizationServerOptions): ProtectionApi
  /**
   * Removes an AS, dropping its PAT and cached RPTs; the last AS cannot be removed.
   *
   * @param issuer - a configured issuer
   * @returns whether it was removed
   */
  removeAuthorizationServer(issuer: string): boolean
  /** Every configured issuer. */
  readonly authorizationServers: readonly string[]
  /**
   * Serves the RFC 9728 document (`resource`, `authorization_servers` with every configured
   * issuer, `scopes_supported`, …): mount it at {@link ResourceServer.protectedResourceMetadataPath}.
   * Without `resourceMetadata` it passes every request on.
   */
  readonly protectedResourceMetadata: RequestHandler
  /**
   * Where to mount `protectedResourceMetadata`: `/.well-known/oauth-protected-resource`, with the
   * resource's path after it (RFC 9728 §3.1); `undefined` without `resourceMetadata`.
   */
  readonly protectedResourceMetadataPath: string | undefined
  /**
   * Waits until every AS answers (its metadata and a PAT), retrying with backoff: call it at
   * start-up, before `resources.ensure` or `listen`, when the AS may not be up yet (containers
   * started together). `onAttempt` is told of each attempt, for a line in the log.
   *
   * @param options - attempts (10), `delayMs` (250, doubling), `maxDelayMs` (5000), `onAttempt`,
   *   `signal`
   * @throws {UmaError} the last error of an AS still down after the attempts, or at once a
   *   misconfiguration (`issuer_mismatch`, `discovery_failed`, `unauthorized`,
   *   `insecure_endpoint`), which waiting cannot cure
   * @example
   * ```ts
   * await rs.ready({ onAttempt: (a) => console.log(`AS ${a.issuer}: attempt ${a.attempt}`) })
   * ```
   */
  ready(options?: ReadyOptions): Promise<void>
  /**
   * Forgets an RPT on this instance and, with `cache.shared`, on every instance of the fleet
   * within a second: its next use is checked with the AS again.
   *
   * @param rpt - the token
   * @throws {UmaError} `store_unavailable` when the shared store did not take the revocation in
   *   time (this instance has forgotten the RPT; others may not have)
   */
  revoke(rpt: string): Promise<void>
  /** Closes the HTTP agent and drops cached tokens, so the process can exit. */
  close(): Promise<void>
}

function sharedLevel(resolved: ReturnType<typeof resolveOptions>): SharedLevel | undefined {
  const { cache } = resolved
  if (cache === false || cache.shared === undefined || cache.sharedSecret === undefined) {
    return undefined
  }
  return createSharedLevel({
    store: cache.shared,
    secret: cache.sharedSecret,
    lockTtlMs: resolved.timeoutMs,
    maxTtlMs: cache.maxTtlSeconds * 1000,
    clockToleranceMs: Math.max(1000, resolved.clockToleranceSeconds * 1000),
  })
}

/**
 * Creates a UMA resource server: the Express guard, the framework-free decision, and the
 * Protection API client (PAT, resource registration, permission tickets, introspection), for
 * one AS or several.
 *
 * @param options - see {@link ResourceServerOptions}
 * @returns the resource server
 * @throws {TypeError} for invalid options, naming the option
 * @see UMA Grant §3.2, UMA FedAuthz §3–§5
 * @example
 * ```ts
 * import { createResourceServer } from '@uma-kit/resource-server'
 *
 * const { requireUmaScope } = createResourceServer({
 *   issuer: 'https://kc.example/realms/photoz',
 *   clientId: 'photo-rs',
 *   clientSecret: process.env.RS_SECRET,
 * })
 * app.get('/photos/:id', requireUmaScope('view', { resource: (req) => req.params.id }), handler)
 * ```
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const resolved = resolveOptions(options)
  const now = Date.now
  const transport = createTransport(resolved.timeoutMs, resolved.fetch)
  const discovery = createDiscoveryCache({ fetch: transport.fetch, timeoutMs: resolved.timeoutMs })
  const level = sharedLevel(resolved)
  const servers = createAuthorizationServers(resolved, {
    timeoutMs: resolved.timeoutMs,
    toleranceSeconds: resolved.clockToleranceSeconds,
    cache: resolved.cache,
    discovery,
    fetch: transport.fetch,
    now,
    level,
    limits: resolved.limits,
  })
  const { authorize, decideAt } = createAuthorize(
    resolved,
    servers,
    resolved.resourceMetadata?.url,
    now,
  )
  const scopesUsed = new Set<string>()

  function connection(issuer: string): AsConnection {
    const found = servers.get(issuer)
    if (found === undefined) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `${issuer} is not a configured authorization server`,
      )
    }
    return found
  }

  function only(): AsConnection {
    const issuers = servers.issuers()
    const [first] = issuers
    if (first === undefined || issuers.length > 1) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        'this resource server has several authorization servers: use forIssuer(issuer)',
      )
    }
    return connection(first)
  }

  // the single-AS Protection API: each call goes to the only AS, whichever it is at the time;
  // with several, each call rejects, pointing at forIssuer
  const resources: ResourceRegistry = {
    create: async (d) => only().resources.create(d),
    read: async (id) => only().resources.read(id),
    update: async (id, d) => only().resources.update(id, d),
    delete: async (id) => only().resources.delete(id),
    list: async () => only().resources.list(),
    ensure: async (d) => only().resources.ensure(d),
  }

  return {
    requireUmaScope: createRequireUmaScope(resolved, servers, decideAt, scopesUsed),
    protectedResourceMetadata: createProtectedResourceMetadata(
      resolved.resourceMetadata,
      () => servers.issuers(),
      scopesUsed,
    ),
    protectedResourceMetadataPath: resolved.resourceMetadata?.path,
    authorize,
    resources: Object.freeze(resources),
    requestTicket: async (permissions: PermissionRequest | PermissionRequest[]) =>
      createProtectionApi(only()).requestTicket(permissions),
    introspect: async (rpt: string): Promise<Readonly<RptIntrospection>> =>
      createProtectionApi(only()).introspect(rpt),
    metadata: async (): Promise<UmaServerMetadata> => only().metadata.all(),
    forIssuer: (issuer) => createProtectionApi(connection(issuer)),
    addAuthorizationServer: (input) => createProtectionApi(servers.add(input)),
    removeAuthorizationServer: (issuer) => servers.remove(issuer),
    get authorizationServers() {
      return Object.freeze(servers.issuers())
    },
    ready: (readyOptions) =>
      waitForAuthorizationServers(
        servers.issuers().flatMap((issuer) => servers.get(issuer) ?? []),
        readyOptions,
      ),
    async revoke(rpt) {
      if (typeof rpt !== 'string' || rpt === '') {
        throw argumentError('ERR_INVALID_ARG_TYPE', 'revoke needs the RPT as a non-empty string')
      }
      // every AS's entry for the token: which AS issued it is not known from the token alone
      const caches = servers.issuers().flatMap((issuer) => servers.get(issuer)?.cache ?? [])
      await Promise.all(caches.map((cache) => cache.revoke(rpt)))
    },
    async close() {
      for (const issuer of servers.issuers()) servers.get(issuer)?.cache.close()
      await level?.close()
      await transport.close()
    },
  }
}
