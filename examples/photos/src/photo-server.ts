/**
 * The photo resource server: one Express app and one uma-kit resource server for photos of
 * several owners, each owner's photos protected by the AS that owner chose (UMA's distributed
 * model). On start-up it waits for every AS (`rs.ready()`), registers each photo at its owner's
 * AS (`forIssuer(issuer).resources.ensure`, so a restart finds what it registered before), and
 * serves its RFC 9728 document naming every AS.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createResourceServer,
  type CommonOptions,
  type ReadyAttempt,
  type ResourceServer,
} from '@uma-kit/resource-server'
import { photoApp, type PhotoEntry, type Served } from './photo-routes.js'

/** An owner of photos on the RS, and the AS that protects them. */
export interface PhotoOwner {
  /** `alice` */
  readonly name: string
  /** The owner's AS. */
  readonly issuer: string
  /** The RS's client at that AS (`photo-rs` in the demo configurations). */
  readonly clientId: string
  /** Its secret there. */
  readonly clientSecret: string
  /** The owner's photos, by file name. */
  readonly photos: readonly string[]
}

/** Options of {@link startPhotoServer}: several owners, or one (Alice, at `issuer`). */
export type PhotoServerOptions = (
  | { owners: readonly PhotoOwner[] }
  | {
      owners?: undefined
      /** Alice's AS. */
      issuer: string
      clientId: string
      clientSecret: string
      /** @default ['photo.jpg'] */
      photos?: string[]
    }
) & {
  /** @default '127.0.0.1' */
  host?: string
  /** @default 0 (a free port) */
  port?: number
  /** Passed through to `createResourceServer` (timeouts, caching, `onDecision`, `fetch`, ...). */
  resourceServer?: Partial<CommonOptions> | undefined
  /** Told of each attempt to reach an AS at start-up. */
  onReady?: ((attempt: ReadyAttempt) => void) | undefined
  /** Errors the RS hands to Express (`next(err)`), for the caller to log. */
  onError?: (err: unknown) => void
}

/** A running photo RS. */
export interface PhotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Each photo, by file name: its owner, its AS, its resource id there. */
  readonly photos: ReadonlyMap<string, PhotoEntry>
  /** The resource id each photo's AS gave it, by file name. */
  readonly resourceIds: ReadonlyMap<string, string>
  /** What requests printed, in order. */
  readonly printed: readonly string[]
  /** Requests let through, with the AS that vouched for each. */
  readonly served: readonly Served[]
  /** The uma-kit resource server behind the routes. */
  readonly rs: ResourceServer
  /** Stops listening and closes the uma-kit resource server. */
  close(): Promise<void>
}

function ownersOf(options: PhotoServerOptions): readonly PhotoOwner[] {
  if (options.owners !== undefined) return options.owners
  const { issuer, clientId, clientSecret } = options
  return [
    { name: 'alice', issuer, clientId, clientSecret, photos: options.photos ?? ['photo.jpg'] },
  ]
}

async function listen(host: string, port: number): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}

async function register(rs: ResourceServer, owners: readonly PhotoOwner[]) {
  const photos = new Map<string, PhotoEntry>()
  for (const owner of owners) {
    for (const photo of owner.photos) {
      const resourceId = await rs.forIssuer(owner.issuer).resources.ensure({
        name: photo,
        type: 'https://photos.example/photo',
        resource_scopes: ['view', 'print'],
      })
      photos.set(photo, { photo, owner: owner.name, issuer: owner.issuer, resourceId })
    }
  }
  return photos
}

/**
 * Starts the photo RS: listens (its URL is the RFC 9728 resource), waits for the ASes,
 * registers the photos, then answers.
 *
 * @param options - the owners and their ASes, where to listen
 * @returns the running server
 */
export async function startPhotoServer(options: PhotoServerOptions): Promise<PhotoServer> {
  const owners = ownersOf(options)
  const host = options.host ?? '127.0.0.1'
  const server = await listen(host, options.port ?? 0)
  const url = `http://${host}:${(server.address() as AddressInfo).port}`
  const photos = new Map<string, PhotoEntry>()
  const rs = createResourceServer({
    authorizationServers: owners.map(({ issuer, clientId, clientSecret }) => ({
      issuer,
      clientId,
      clientSecret,
    })),
    // the photo in the URL names its owner, so its AS: an id alone could be any AS's
    issuerFor: (resourceId, req) => {
      const entry = photos.get(String(req?.params.id))
      if (entry?.resourceId !== resourceId) throw new Error('no AS protects this photo')
      return entry.issuer
    },
    resourceMetadata: { resource: url, resource_name: 'Photos' },
    realm: 'photos',
    ...options.resourceServer,
  })
  const record = { printed: [] as string[], served: [] as Served[] }
  const close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rs.close()
  }
  try {
    await rs.ready({ onAttempt: options.onReady })
    for (const [photo, entry] of await register(rs, owners)) photos.set(photo, entry)
  } catch (err) {
    await close()
    throw err
  }
  server.on('request', photoApp(rs, photos, record, options.onError))
  return {
    url,
    photos,
    resourceIds: new Map([...photos].map(([photo, entry]) => [photo, entry.resourceId])),
    printed: record.printed,
    served: record.served,
    rs,
    close,
  }
}
