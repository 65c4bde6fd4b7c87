/**
 * @module `requireUmaScope`: the Express adapter over the decision.
 */
import { UmaError, type Permission, type RptIntrospection } from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import type { Request, RequestHandler, Response } from 'express'
import type { DecideAt } from './authorize.js'
import type { AuthorizationServers } from './authorization-servers.js'
import type { Denied } from './decision.js'
import type { DeniedHandler, ResolvedOptions, ResourceResolver } from './options.js'
import { checkResourceRef, type ResourceRef } from './resource-ref.js'
import { setUmaContext } from './request-context.js'
import { createUmaGuard } from './uma-guard.js'

/** What a request that passed `requireUmaScope` carries in `req.uma`; frozen. */
export interface UmaRequestContext {
  readonly resourceId: string
  readonly scopes: readonly string[]
  readonly permissions: readonly Readonly<Permission>[]
  readonly introspection: Readonly<RptIntrospection>
  /** The AS that vouched for the RPT. */
  readonly issuer: string
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      /** Set by `requireUmaScope` before `next()`; read it with `umaContext(req)`. */
      uma?: UmaRequestContext
    }
  }
}

/** Options of one guarded route. */
export interface RequireUmaScopeOptions {
  /** The route's resource (its id, or `{ name, owner }`), or how to find it from the request. */
  resource?: ResourceRef | ResourceResolver | undefined
  /** Renders this route's denials, keeping their status and headers. */
  onDenied?: DeniedHandler | undefined
}

const DEFAULT_BODIES: Record<Denied['status'], { error: string; error_description: string }> = {
  401: {
    error: 'uma_rpt_required',
    error_description: 'An RPT holding the needed permissions is required: see WWW-Authenticate.',
  },
  403: {
    error: 'authorization_unavailable',
    error_description: 'Authorization cannot be obtained now; try again later.',
  },
  503: {
    error: 'temporarily_unavailable',
    error_description: 'Too many requests need the authorization server now; try again later.',
  },
}

/**
 * The UMA context of a request that passed `requireUmaScope`, typed without `undefined`.
 *
 * @param req - a request inside a guarded handler
 * @returns `req.uma`
 * @throws {UmaError} `internal_error` when the request did not pass a guard (a routing mistake)
 * @example
 * ```ts
 * app.get('/photos/:id', requireUmaScope('view'), (req, res) => {
 *   const { resourceId, permissions } = umaContext(req)
 * })
 * ```
 */
export function umaContext(req: Request): UmaRequestContext {
  const context = req.uma
  if (context === undefined) {
    throw new UmaError(
      'internal_error',
      'umaContext(req) outside a route guarded by requireUmaScope',
    )
  }
  return context
}

function checkScopes(scopes: unknown): readonly string[] {
  const list: unknown[] = Array.isArray(scopes) ? scopes : [scopes]
  if (list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `requireUmaScope needs a scope name or a non-empty array of them, received ${describeReceived(scopes)}`,
    )
  }
  return Object.freeze([...(list as string[])])
}

function checkResource(
  route: RequireUmaScopeOptions['resource'],
  fallback: ResourceResolver | undefined,
): ResourceRef | ResourceResolver {
  const resource = route ?? fallback
  if (typeof resource === 'function') return resource
  if (resource !== undefined) {
    try {
      return checkResourceRef(resource)
    } catch {
      // reported below, as a caller mistake
    }
  }
  throw argumentError(
    'ERR_INVALID_ARG_VALUE',
    'requireUmaScope needs a resource: give { resource } (an id, { name, owner } or a function) to the route or `resource` to createResourceServer',
  )
}

function answerDenial(
  req: Request,
  res: Response,
  decision: Denied,
  onDenied: DeniedHandler | undefined,
) {
  res.status(decision.status).set(decision.headers)
  if (onDenied !== undefined) onDenied(req, res, decision)
  else res.json(DEFAULT_BODIES[decision.status])
}

/**
 * Creates `requireUmaScope` over the decision.
 *
 * @param options - the resolved options
 * @param servers - the ASes
 * @param decideAt - the decision at one AS
 * @param scopesUsed - collects every scope routes need, for RFC 9728's `scopes_supported`
 * @returns `requireUmaScope`
 */
export function createRequireUmaScope(
  options: ResolvedOptions,
  servers: AuthorizationServers,
  decideAt: DecideAt,
  scopesUsed: Set<string>,
): (scopes: string | readonly string[], routeOptions?: RequireUmaScopeOptions) => RequestHandler {
  return function requireUmaScope(scopeInput, routeOptions = {}) {
    const scopes = checkScopes(scopeInput)
    // routes are made at start-up, a bounded number: the set stays small
    for (const scope of scopes) if (scopesUsed.size < 1000) scopesUsed.add(scope)
    const resource = checkResource(routeOptions.resource, options.resource)
    const onDenied = routeOptions.onDenied ?? options.onDenied
    const deny = (req: Request, res: Response, decision: Denied) => {
      answerDenial(req, res, decision, onDenied)
    }
    return createUmaGuard({ scopes, resource, deny, setContext: setUmaContext }, servers, decideAt)
  }
}
