/**
 * The development AS and the photo RS on 127.0.0.1 for end-to-end tests, with the demo's
 * configuration (lifetimes overridable) and counters of what reached the AS.
 */
import {
  PHOTOS_CONFIG_URL,
  createDevServer,
  loadConfig,
  type AsConfig,
  type AsEvent,
  type DevServer,
  type DevServerShape,
} from '@uma-kit/dev-server'
import type { AddressInfo } from 'node:net'
import { startPhotoServer, type PhotoServer } from '@uma-kit/example-photos'
import type { ResourceServer, SingleAsOptions } from '@uma-kit/resource-server'
import express from 'express'

export interface Stack {
  readonly as: DevServer
  readonly rs: PhotoServer
  readonly config: AsConfig
  readonly events: AsEvent[]
  readonly photo: string
  close(): Promise<void>
}

export async function startStack(
  options: {
    mode?: DevServerShape
    lifetimes?: Partial<AsConfig['lifetimes']>
    resourceServer?: Partial<SingleAsOptions> | undefined
  } = {},
): Promise<Stack> {
  const base = await loadConfig(PHOTOS_CONFIG_URL)
  const config: AsConfig = {
    ...base,
    lifetimes: { ...base.lifetimes, ...options.lifetimes },
    pollIntervalSeconds: 0.2,
  }
  const events: AsEvent[] = []
  const as = await createDevServer({
    config,
    shape: options.mode ?? 'spec',
    onEvent: (event) => events.push(event),
  })
  const issuer = await as.listen(0)
  let rs: PhotoServer
  try {
    rs = await startPhotoServer({
      issuer,
      clientId: 'photo-rs',
      clientSecret: config.clients['photo-rs']?.secret ?? '',
      ...(options.resourceServer === undefined ? {} : { resourceServer: options.resourceServer }),
    })
  } catch (err) {
    await as.close()
    throw err
  }
  return {
    as,
    rs,
    config,
    events,
    photo: `${rs.url}/photos/photo.jpg`,
    async close() {
      await rs.close()
      await as.close()
    },
  }
}

/** Counts events of a type. */
export const count = (events: AsEvent[], type: AsEvent['type']): number =>
  events.filter((e) => e.type === type).length

/** Bob's client options for a stack. */
export function bobOptions(stack: Stack) {
  return {
    trustedIssuers: [stack.as.issuer],
    clientId: 'bob-app',
    clientSecret: stack.config.clients['bob-app']?.secret ?? '',
  }
}

/**
 * An Express app on 127.0.0.1 serving `/photos/photo.jpg` behind `requireUmaScope('view')` for
 * the resource `photoId`, stopped by the function it pushes onto `closers`.
 *
 * @returns the photo's URL
 */
export async function servePhoto(
  rs: ResourceServer,
  photoId: string,
  closers: (() => Promise<void>)[],
): Promise<string> {
  const app = express()
  app.get('/photos/photo.jpg', rs.requireUmaScope('view', { resource: () => photoId }), (_q, r) => {
    r.type('image/jpeg').send(Buffer.from('jpeg'))
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/photos/photo.jpg`
}
