/**
 * @module The per-request part of `requireUmaScope`. A cache hit on a resource known at once is
 * decided synchronously and `next()` runs in the same turn: no promise, no closure, no
 * microtask. Everything else (a miss, a resolver or `issuerFor` answering with a promise, a
 * resource known by name, a denial) goes through the asynchronous decision.
 */
import { UmaError } from '@uma-kit/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { AsConnection } from './as-connection.js'
import type { DecideAt } from './authorize.js'
import type { AuthorizationServers } from './authorization-servers.js'
import type { Allowed, Denied } from './decision.js'
import type { ResourceResolver } from './options.js'
import { checkResourceRef, type ResourceName, type ResourceRef } from './resource-ref.js'
import { toRouteError } from './route-error.js'

/** What one guarded route needs. */
export interface GuardRoute {
  readonly scopes: readonly string[]
  readonly resource: ResourceRef | ResourceResolver
  /** Answers a denial with its status and headers, through `onDenied` where there is one. */
  readonly deny: (req: Request, res: Response, decision: Denied) => void
  /** Sets `req.uma`. */
  readonly setContext: (req: Request, decision: Allowed) => void
}

function unresolved(cause: unknown): UmaError {
  return new UmaError('resource_unresolved', 'the resource resolver failed', { cause })
}

/** The connection a request came over, whose last token's cache key is remembered. */
function holderOf(req: Request): object | undefined {
  const socket: unknown = req.socket
  return typeof socket === 'object' && socket !== null ? socket : undefined
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

/**
 * Creates the handler of one guarded route.
 *
 * @param route - the route's scopes, resource and answers
 * @param servers - the ASes
 * @param decideAt - the decision at one AS: at once on a cache hit, else a promise
 * @returns the Express handler
 */
export function createUmaGuard(
  route: GuardRoute,
  servers: AuthorizationServers,
  decideAt: DecideAt,
): RequestHandler {
  const { scopes, resource } = route

  async function byName(ref: ResourceName, req: Request, authorization: unknown) {
    const connection: AsConnection = await servers.forResource(ref.name, req)
    const id = await connection.names.resolve(ref)
    return decideAt(connection, authorization, id, scopes, holderOf(req))
  }

  /** The decision for a resource: at once where everything on the way answers at once. */
  function decide(
    ref: ResourceRef,
    req: Request,
    authorization: unknown,
  ): Allowed | Promise<Allowed | Denied> {
    if (typeof ref !== 'string') return byName(ref, req, authorization)
    const connection = servers.forResource(ref, req)
    return connection instanceof Promise
      ? connection.then((c) => decideAt(c, authorization, ref, scopes, holderOf(req)))
      : decideAt(connection, authorization, ref, scopes, holderOf(req))
  }

  function settleLater(
    decision: Promise<Allowed | Denied>,
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    const settle = (outcome: Allowed | Denied): void => {
      if (outcome.allowed) {
        route.setContext(req, outcome)
        next()
      } else {
        route.deny(req, res, outcome)
      }
    }
    decision
      .then(settle, (err: unknown) => {
        next(toRouteError(err))
      })
      .catch(next)
  }

  return function umaGuard(req: Request, res: Response, next: NextFunction): void {
    const authorization = req.headers.authorization
    let decision: Allowed | Promise<Allowed | Denied>
    try {
      const ref = resolveResource(resource, req)
      decision =
        ref instanceof Promise
          ? ref.then((r) => decide(r, req, authorization))
          : decide(ref, req, authorization)
    } catch (err) {
      next(toRouteError(err))
      return
    }
    if (decision instanceof Promise) {
      settleLater(decision, req, res, next)
      return
    }
    // a cache hit: next() in the same turn, outside the try, since what the route's handler
    // throws is Express's to handle, not the guard's
    route.setContext(req, decision)
    next()
  }
}
