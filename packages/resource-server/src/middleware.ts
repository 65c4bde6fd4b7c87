/**
 * @module `requireUmaScope`: the Express adapter over the decision.
 */
import { UmaError, type Permission, type RptIntrospection } from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { AsConnection } from './as-connection.js'
import type { DecideAt } from './authorize.js'
import type { AuthorizationServers } from './authorization-servers.js'
import type { Allowed, Denied } from './decision.js'
import type { DeniedHandler, ResolvedOptions, ResourceResolver } from './options.js'
import { checkResourceRef, type ResourceName, type ResourceRef } from './resource-ref.js'
import { toRouteError } from './route-error.js'

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

function unresolved(cause: unknown): UmaError {
  return new UmaError('resource_unresolved', 'the resource resolver failed', { cause })
}

/**
 * The resource of a request: at once where the resolver answers at once (no promise on this
 * per-request path), else a promise.
 */
function resolveResource(
  resource: ResourceRef | ResourceResolver,
  req: Request,
): ResourceRef | Promise<ResourceRef> {
  if (typeof resource !== 'function') return resource
  let ref: unknown
  try {
    ref = resource(req)
  } catch (err) {
    throw unresolved(err)
  }
  // any thenable, as `await` would take it, not only a native promise
  if (typeof (ref as { then?: unknown } | null)?.then !== 'function') return checkResourceRef(ref)
  return Promise.resolve(ref).then(checkResourceRef, (err: unknown) => {
    throw unresolved(err)
  })
}

function deny(req: Request, res: Response, decision: Denied, onDenied: DeniedHandler | undefined) {
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
  async function byName(
    ref: ResourceName,
    req: Request,
    authorization: unknown,
    scopes: readonly string[],
  ) {
    const connection: AsConnection = await servers.forResource(ref.name, req)
    const id = await connection.names.resolve(ref)
    return decideAt(connection, authorization, id, scopes)
  }

  return function requireUmaScope(scopeInput, routeOptions = {}) {
    const scopes = checkScopes(scopeInput)
    // routes are made at start-up, a bounded number: the set stays small
    for (const scope of scopes) if (scopesUsed.size < 1000) scopesUsed.add(scope)
    const resource = checkResource(routeOptions.resource, options.resource)
    const onDenied = routeOptions.onDenied ?? options.onDenied
    return function umaGuard(req: Request, res: Response, next: NextFunction): void {
      const authorization = req.headers.authorization
      const decide = (ref: ResourceRef): Promise<Allowed | Denied> => {
        if (typeof ref !== 'string') return byName(ref, req, authorization, scopes)
        const connection = servers.forResource(ref, req)
        return connection instanceof Promise
          ? connection.then((c) => decideAt(c, authorization, ref, scopes))
          : decideAt(connection, authorization, ref, scopes)
      }
      const settle = (decision: Allowed | Denied): void => {
        if (decision.allowed) {
          req.uma = decision
          next()
        } else {
          deny(req, res, decision, onDenied)
        }
      }
      const fail = (err: unknown): void => {
        next(toRouteError(err))
      }
      let ref: ResourceRef | Promise<ResourceRef>
      try {
        ref = resolveResource(resource, req)
      } catch (err) {
        fail(err)
        return
      }
      let decision: Promise<Allowed | Denied>
      try {
        decision = ref instanceof Promise ? ref.then(decide) : decide(ref)
      } catch (err) {
        fail(err)
        return
      }
      decision.then(settle, fail).catch(next)
    }
  }
}
