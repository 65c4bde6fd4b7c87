/**
 * The photo RS's routes: `GET /photos/:id` needs `view` and `POST /photos/:id/print` needs
 * `print`, each photo decided by the AS its owner chose; the RFC 9728 document at its
 * well-known path; errors answered without a word of their cause.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express'
import { umaContext, type ResourceServer } from '@uma-kit/resource-server'

/** The smallest JPEG there is (1×1 grey): the demo is about access, not pixels. */
const PHOTO_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)

/** A photo the RS serves: whose it is, and the AS that registered and protects it. */
export interface PhotoEntry {
  readonly photo: string
  readonly owner: string
  readonly issuer: string
  readonly resourceId: string
}

/** A request the RS let through, and the AS that vouched for its RPT (`req.uma.issuer`). */
export interface Served {
  readonly photo: string
  readonly scope: 'view' | 'print'
  readonly issuer: string
}

/** What the routes record, for the demo's checks. */
export interface PhotoRecord {
  readonly printed: string[]
  readonly served: Served[]
}

function findPhoto(photos: ReadonlyMap<string, PhotoEntry>): RequestHandler {
  return function findPhoto(req, res, next) {
    if (photos.has(String(req.params.id))) next()
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

/**
 * Builds the app.
 *
 * @param rs - the uma-kit resource server
 * @param photos - the photos, by file name
 * @param record - where served requests and print jobs go
 * @param onError - errors the RS hands to Express
 * @returns the app
 */
export function photoApp(
  rs: ResourceServer,
  photos: ReadonlyMap<string, PhotoEntry>,
  record: PhotoRecord,
  onError?: (err: unknown) => void,
): express.Express {
  const resource = (req: Request): string => {
    // findPhoto answered 404 before the guard ran; reaching here without an entry is a bug
    const entry = photos.get(String(req.params.id))
    if (entry === undefined) throw new Error('photo resource not registered')
    return entry.resourceId
  }
  const served = (req: Request, scope: Served['scope']) => {
    record.served.push({ photo: String(req.params.id), scope, issuer: umaContext(req).issuer })
  }
  const app = express()
  if (rs.protectedResourceMetadataPath !== undefined) {
    app.get(rs.protectedResourceMetadataPath, rs.protectedResourceMetadata)
  }
  app.get(
    '/photos/:id',
    findPhoto(photos),
    rs.requireUmaScope('view', { resource }),
    (req, res) => {
      served(req, 'view')
      res.type('image/jpeg').send(PHOTO_JPEG)
    },
  )
  app.post(
    '/photos/:id/print',
    findPhoto(photos),
    rs.requireUmaScope('print', { resource }),
    (req, res) => {
      served(req, 'print')
      record.printed.push(String(req.params.id))
      res.status(202).json({ status: 'queued', photo: req.params.id, copies: 1 })
    },
  )
  app.use(errorHandler(onError))
  return app
}
