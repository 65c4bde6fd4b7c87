/**
 * Alice's photo resource server: Express with `requireUmaScope`. It registers each photo at the
 * authorization server on start-up (`resources.ensure`, so a restart finds what it registered
 * before) and protects `GET /photos/:id` with `view` and `POST /photos/:id/print` with `print`.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express'
import {
  createResourceServer,
  type ResourceServer,
  type SingleAsOptions,
} from '@uma-kit/resource-server'

/** The smallest JPEG there is (1×1 grey): the demo is about access, not pixels. */
const PHOTO_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)

/** Options of {@link startPhotoServer}. */
export interface PhotoServerOptions {
  /** The authorization server's issuer. */
  issuer: string
  /** The RS's client at the AS (`photo-rs` in the demo configuration). */
  clientId: string
  /** Its secret. */
  clientSecret: string
  /** Photos to serve and register, by file name. @default ['photo.jpg'] */
  photos?: string[]
  /** @default '127.0.0.1' */
  host?: string
  /** @default 0 (a free port) */
  port?: number
  /** Passed through to `createResourceServer` (timeouts, caching, `onDecision`, ...). */
  resourceServer?: Partial<SingleAsOptions> | undefined
  /** Errors the RS hands to Express (`next(err)`), for the caller to log. */
  onError?: (err: unknown) => void
}

/** A running photo RS. */
export interface PhotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The resource id the AS gave each photo, by file name. */
  readonly resourceIds: ReadonlyMap<string, string>
  /** What requests printed, in order. */
  readonly printed: readonly string[]
  /** The uma-kit resource server behind the routes. */
  readonly rs: ResourceServer
  /** Stops listening and closes the uma-kit resource server. */
  close(): Promise<void>
}

function resourceOf(resourceIds: ReadonlyMap<string, string>) {
  return function photoResource(req: Request): string {
    const id = resourceIds.get(String(req.params.id))
    // findPhoto answered 404 before the guard ran; reaching here without an id is a bug
    if (id === undefined) throw new Error('photo resource not registered')
    return id
  }
}

function findPhoto(resourceIds: ReadonlyMap<string, string>): RequestHandler {
  return function findPhoto(req, res, next) {
    if (resourceIds.has(String(req.params.id))) next()
    else res.status(404).json({ error: 'not_found' })
  }
}

function errorHandler(onError: ((err: unknown) => void) | undefined): ErrorRequestHandler {
  return function photoErrors(err: unknown, _req, res, _next) {
    onError?.(err)
    // nothing of the error reaches the client: it may name the AS's endpoints
    res.status(500).json({ error: 'server_error' })
  }
}

async function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)))
  })
}

/**
 * Starts the photo RS: registers the photos at the AS, then listens.
 *
 * @param options - the AS, the RS's credentials, where to listen
 * @returns the running server
 */
export async function startPhotoServer(options: PhotoServerOptions): Promise<PhotoServer> {
  const rs = createResourceServer({
    issuer: options.issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    realm: 'photos',
    ...options.resourceServer,
  })
  const resourceIds = new Map<string, string>()
  const printed: string[] = []
  try {
    for (const name of options.photos ?? ['photo.jpg']) {
      const id = await rs.resources.ensure({
        name,
        type: 'https://photos.example/photo',
        resource_scopes: ['view', 'print'],
      })
      resourceIds.set(name, id)
    }
  } catch (err) {
    await rs.close()
    throw err
  }
  const resource = resourceOf(resourceIds)
  const app = express()
  app.get(
    '/photos/:id',
    findPhoto(resourceIds),
    rs.requireUmaScope('view', { resource }),
    (_req, res) => {
      res.type('image/jpeg').send(PHOTO_JPEG)
    },
  )
  app.post(
    '/photos/:id/print',
    findPhoto(resourceIds),
    rs.requireUmaScope('print', { resource }),
    (req, res) => {
      printed.push(String(req.params.id))
      res.status(202).json({ status: 'queued', photo: req.params.id, copies: 1 })
    },
  )
  app.use(errorHandler(options.onError))
  const server = await listen(app, options.host ?? '127.0.0.1', options.port ?? 0)
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    resourceIds,
    printed,
    rs,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rs.close()
    },
  }
}
