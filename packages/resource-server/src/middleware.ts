/**
 * @module `requireUmaScope`: the Express adapter over `authorize`.
 */
import { UmaError, type Permission, type RptIntrospection } from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { AuthorizeInput } from './authorize.js'
import type { Allowed, Denied } from './decision.js'
import type { DeniedHandler, ResolvedOptions, ResourceResolver } from './options.js'

/** What a request that passed `requireUmaScope` carries in `req.uma`. */
export interface UmaRequestContext {
  readonly resourceId: string
  readonly scopes: string[]
  readonly permissions: Permission[]
  readonly introspection: RptIntrospection
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      /** Set by `requireUmaScope` before `next()`. */
      uma?: UmaRequestContext
    }
  }
}

/** Options of one guarded route. */
export interface RequireUmaScopeOptions {
  /** The route's resource id, or how to find it from the request. */
  resource?: string | ResourceResolver | undefined
  /** Renders this route's denials, keeping their status and headers. */
  onDenied?: DeniedHandler | undefined
}

const DEFAULT_BODIES: Record<401 | 403, { error: string; error_description: string }> = {
  401: {
    error: 'uma_rpt_required',
    error_description: 'An RPT holding the needed permissions is required: see WWW-Authenticate.',
  },
  403: {
    error: 'authorization_server_unreachable',
    error_description: 'The authorization server cannot be reached; try again later.',
  },
}

function checkScopes(scopes: unknown): string[] {
  const list: unknown[] = Array.isArray(scopes) ? scopes : [scopes]
  if (list.length === 0 || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `requireUmaScope needs a scope name or a non-empty array of them, received ${describeReceived(scopes)}`,
    )
  }
  return list as string[]
}

function checkResource(
  route: RequireUmaScopeOptions['resource'],
  fallback: ResourceResolver | undefined,
): string | ResourceResolver {
  const resource = route ?? fallback
  if ((typeof resource === 'string' && resource !== '') || typeof resource === 'function') {
    return resource
  }
  throw argumentError(
    'ERR_INVALID_ARG_VALUE',
    'requireUmaScope needs a resource: give { resource } to the route or `resource` to createResourceServer',
  )
}

function unresolved(cause: unknown): UmaError {
  return new UmaError('resource_unresolved', 'the resource resolver failed', { cause })
}

function checkResourceId(id: unknown): string {
  if (typeof id !== 'string' || id === '') {
    throw new UmaError('resource_unresolved', `the resource resolver gave ${describeReceived(id)}`)
  }
  return id
}

/**
 * The resource id of a request: a string where the resolver gives one at once (no promise on
 * this per-request path), else a promise.
 */
function resolveResource(
  resource: string | ResourceResolver,
  req: Request,
): string | Promise<string> {
  if (typeof resource === 'string') return resource
  let id: unknown
  try {
    id = resource(req)
  } catch (err) {
    throw unresolved(err)
  }
  // any thenable, as `await` would take it, not only a native promise
  if (typeof (id as { then?: unknown } | null)?.then !== 'function') return checkResourceId(id)
  return Promise.resolve(id).then(checkResourceId, (err: unknown) => {
    throw unresolved(err)
  })
}

function deny(
  req: Request,
  res: Response,
  decision: Denied,
  onDenied: DeniedHandler | undefined,
): void {
  res.status(decision.status).set(decision.headers)
  if (onDenied !== undefined) onDenied(req, res, decision)
  else res.json(DEFAULT_BODIES[decision.status])
}

/**
 * Creates `requireUmaScope` over an `authorize`.
 *
 * @param options - the resolved options
 * @param authorize - the decision
 * @returns `requireUmaScope`
 */
export function createRequireUmaScope(
  options: ResolvedOptions,
  authorize: (input: AuthorizeInput) => Promise<Allowed | Denied>,
): (scopes: string | string[], routeOptions?: RequireUmaScopeOptions) => RequestHandler {
  return function requireUmaScope(scopeInput, routeOptions = {}) {
    const scopes = checkScopes(scopeInput)
    const resource = checkResource(routeOptions.resource, options.resource)
    const onDenied = routeOptions.onDenied ?? options.onDenied
    return function umaGuard(req: Request, res: Response, next: NextFunction): void {
      const decide = (resourceId: string) =>
        authorize({ authorization: req.headers.authorization, resourceId, scopes })
      const settle = (decision: Allowed | Denied) => {
        if (decision.allowed) {
          const { resourceId, permissions, introspection } = decision
          req.uma = { resourceId, scopes: decision.scopes, permissions, introspection }
          next()
        } else {
          deny(req, res, decision, onDenied)
        }
      }
      let resourceId: string | Promise<string>
      try {
        resourceId = resolveResource(resource, req)
      } catch (err) {
        next(err)
        return
      }
      const decision = typeof resourceId === 'string' ? decide(resourceId) : resourceId.then(decide)
      decision.then(settle).catch(next)
    }
  }
}
