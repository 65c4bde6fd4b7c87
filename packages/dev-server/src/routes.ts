/**
 * @module The routes of each wire shape, on one Express app: discovery, keys, the token and
 * introspection endpoints, resource registration, the permission endpoint, claims gathering,
 * CAS's RPT endpoint and the owner's endpoint.
 */
import type { Express, Request, Response, Router } from 'express'
import { casClaimsRoutes } from './cas/claims.js'
import { casPermissionEndpoint } from './cas/permission.js'
import { casResourceRoutes } from './cas/resources.js'
import { casRptEndpoint } from './cas/rpt-endpoint.js'
import { claimsRoutes } from './claims-page.js'
import type { ServerContext } from './context.js'
import { discoveryDocument } from './discovery.js'
import { introspectionEndpoint } from './introspection.js'
import { ownerRoutes } from './owner.js'
import { permissionEndpoint } from './permission.js'
import { resourceRoutes } from './resources.js'
import { tokenEndpoint } from './token-endpoint.js'
import { wso2PermissionEndpoint } from './wso2/permission.js'
import { wso2ResourceRoutes } from './wso2/resources.js'

type AsyncHandler = (req: Request, res: Response) => Promise<void>

/** Hands an async handler's rejection to Express's error handler. */
function wrap(handler: AsyncHandler) {
  return (req: Request, res: Response, next: (err: unknown) => void) => {
    handler(req, res).catch(next)
  }
}

function protectionRoutes(app: Express, router: Router, ctx: ServerContext): void {
  const { paths } = ctx
  switch (ctx.shape) {
    case 'cas':
      app.post(paths.permission, casPermissionEndpoint(ctx))
      if (paths.rpt !== undefined) app.post(paths.rpt, wrap(casRptEndpoint(ctx)))
      casResourceRoutes(router, ctx)
      if (paths.claims !== undefined) casClaimsRoutes(router, ctx, paths.claims)
      return
    case 'wso2':
      app.post(paths.permission, wso2PermissionEndpoint(ctx))
      wso2ResourceRoutes(router, ctx)
      return
    case 'spec':
    case 'keycloak':
      app.post(paths.permission, wrap(permissionEndpoint(ctx)))
      resourceRoutes(router, ctx)
      if (paths.claims !== undefined) claimsRoutes(router, ctx, paths.claims)
  }
}

/**
 * Adds every route of the server's shape.
 *
 * @param app - the Express app, its body parsers already in place
 * @param router - a router mounted after the app's own routes
 * @param ctx - the server
 */
export function mountRoutes(app: Express, router: Router, ctx: ServerContext): void {
  const { paths, state } = ctx
  if (paths.discovery !== undefined) {
    app.get(paths.discovery, (_req, res) => {
      res.json(discoveryDocument(ctx))
    })
  }
  if (paths.jwks !== undefined) {
    app.get(paths.jwks, (_req, res) => {
      res.json({ keys: [state.publicJwk] })
    })
  }
  const token = wrap(tokenEndpoint(ctx))
  app.post(paths.token, token)
  // CAS serves its token endpoint under both names
  if (ctx.shape === 'cas') app.post(`${paths.base}/accessToken`, token)
  app.post(paths.introspection, wrap(introspectionEndpoint(ctx)))
  protectionRoutes(app, router, ctx)
  ownerRoutes(router, ctx)
}
