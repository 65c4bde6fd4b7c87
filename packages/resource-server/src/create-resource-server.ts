/**
 * @module `createResourceServer`: the options resolved once, and every part wired to one
 * transport, one discovery, one PAT and one RPT cache.
 */
import { type RptIntrospection, type UmaServerMetadata } from '@uma-kit/core'
import { argumentError } from '@uma-kit/core/internal'
import type { PermissionRequest } from '@uma-kit/core'
import type { RequestHandler } from 'express'
import { createMetadataSource } from './as-metadata.js'
import { createAuthorize, type AuthorizeInput } from './authorize.js'
import type { Allowed, Denied } from './decision.js'
import { createIntrospector } from './introspection.js'
import { createJwtVerifier, looksLikeJwt } from './jwt-rpt.js'
import { createRequireUmaScope, type RequireUmaScopeOptions } from './middleware.js'
import { resolveOptions, type ResourceServerOptions } from './options.js'
import { createPatProvider } from './pat.js'
import { createResourceRegistry, type ResourceRegistry } from './resources.js'
import { createRptCache } from './rpt-cache.js'
import { checkPermissions, createTicketRequester } from './tickets.js'
import { createTransport } from './transport.js'

/** A configured resource server; see {@link createResourceServer}. */
export interface ResourceServer {
  /**
   * Express middleware that lets a request through only with an RPT holding every scope on the
   * route's resource, and otherwise answers 401 with a UMA challenge (or 403 with a Warning when
   * the AS cannot be reached).
   *
   * @param scopes - the scope, or scopes, the route needs
   * @param options - the route's `resource` and `onDenied`
   * @returns the middleware
   * @throws {TypeError} at once, for no scopes or no way to find the route's resource
   */
  requireUmaScope(scopes: string | string[], options?: RequireUmaScopeOptions): RequestHandler
  /**
   * The decision `requireUmaScope` wraps, for other frameworks.
   *
   * @param input - the `Authorization` value, the resource id, the scopes
   * @returns `Allowed`, or `Denied` with the status and headers to answer with
   * @throws {UmaError} `discovery_failed`, `issuer_mismatch`, `invalid_resource_id`,
   *   `invalid_scope`, `unauthorized` and other misconfigurations
   */
  authorize(input: AuthorizeInput): Promise<Allowed | Denied>
  /** The Resource Registration API, with the PAT. */
  readonly resources: ResourceRegistry
  /**
   * Asks the AS for a permission ticket.
   *
   * @param permissions - one permission or several
   * @returns the ticket
   * @throws {UmaError} `invalid_resource_id`, `invalid_scope`, `as_unreachable`, `as_error`,
   *   `invalid_response`
   */
  requestTicket(permissions: PermissionRequest | PermissionRequest[]): Promise<string>
  /**
   * Checks an RPT, through the cache (introspection, or the JWT check per `rptValidation`).
   *
   * @param rpt - the token
   * @returns the introspection answer (`{ active: false }` for a token the AS disowns)
   */
  introspect(rpt: string): Promise<RptIntrospection>
  /** The AS's metadata, as the RS uses it. */
  metadata(): Promise<UmaServerMetadata>
  /** Closes the HTTP agent and drops cached tokens, so the process can exit. */
  close(): Promise<void>
}

/**
 * Creates a UMA resource server: the Express guard, the framework-free decision, and the
 * Protection API client (PAT, resource registration, permission tickets, introspection).
 *
 * @param options - see {@link ResourceServerOptions}
 * @returns the resource server
 * @throws {TypeError} for invalid options, naming the option
 * @see UMA Grant §3.2, UMA FedAuthz §3–§5
 * @example
 * ```ts
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
  const metadata = createMetadataSource(resolved, transport.fetch)
  const pats = createPatProvider(resolved, metadata, transport.fetch, now)
  const ticketFor = createTicketRequester(resolved, metadata, pats, transport.fetch)
  const introspectRpt = createIntrospector(resolved, metadata, pats, transport.fetch)
  const verifyJwt = createJwtVerifier(resolved, metadata, transport.fetch)
  const cache = createRptCache(resolved, now)
  const checkRpt = (rpt: string): Promise<RptIntrospection> => {
    if (resolved.rptValidation === 'jwt') return verifyJwt(rpt)
    if (resolved.rptValidation === 'auto' && looksLikeJwt(rpt)) return verifyJwt(rpt)
    return introspectRpt(rpt)
  }
  const authorize = createAuthorize({
    options: resolved,
    cache,
    checkRpt,
    requestTicket: ticketFor,
    now,
  })

  return {
    requireUmaScope: createRequireUmaScope(resolved, authorize),
    authorize,
    resources: createResourceRegistry(resolved, metadata, pats, transport.fetch),
    requestTicket: async (permissions) => ticketFor(checkPermissions(permissions)),
    async introspect(rpt) {
      if (typeof rpt !== 'string' || rpt === '') {
        throw argumentError(
          'ERR_INVALID_ARG_TYPE',
          'introspect needs the RPT as a non-empty string',
        )
      }
      return (await cache.check(rpt, checkRpt)).rpt.introspection
    },
    metadata: () => metadata.all(),
    async close() {
      cache.clear()
      await transport.close()
    },
  }
}
