/**
 * The code of the resource-server README, run against development ASes over real HTTP: each
 * README block marked `<!-- tested: test/e2e/rs-readme/<file>.ts -->` is copied from that
 * module, which this test imports once its environment is set.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUmaFetch } from '@uma-kit/client'
import { parseUmaChallenge } from '@uma-kit/core'
import { PHOTOS_CONFIG_URL, createDevServer, loadConfig, type DevServer } from '@uma-kit/dev-server'
import { startTestServer, type TestServer } from '@uma-kit/dev-server/testing'
import type { ResourceServer } from '@uma-kit/resource-server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  describeWithRedis,
  startRedisServer,
} from '../../packages/resource-server/test/support/redis-server.js'

let as: DevServer
let clientSecret: string | undefined
const closers: (() => Promise<void>)[] = []

beforeAll(async () => {
  const config = await loadConfig(PHOTOS_CONFIG_URL)
  as = await createDevServer({ config: { ...config, pollIntervalSeconds: 0.1 } })
  process.env.UMA_ISSUER = await as.listen(0)
  process.env.RS_SECRET = config.clients['photo-rs']?.secret
  process.env.PORT = '0'
  process.env.METRICS_PORT = '0'
  process.env.LOG_LEVEL = 'silent'
  clientSecret = config.clients['bob-app']?.secret
})
afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await as.close()
})

/** Keeps a module's RS and server to close, and gives the server's URL. */
function started(module: { rs?: ResourceServer; server?: Server }): string {
  const { rs, server } = module
  if (rs !== undefined) closers.push(() => rs.close())
  if (server === undefined) return ''
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const bob = () => createUmaFetch({ trustedIssuers: [as.issuer], clientId: 'bob-app', clientSecret })

async function listening(server: Server): Promise<void> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
}

describe('resource-server README', () => {
  it('guards a route, waiting for the AS first, and hands the handler what was checked', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined)
    const module = await import('./rs-readme/quick-start.js')
    await listening(module.server)
    const url = started(module)
    expect(info).toHaveBeenCalledWith(`uma: ${as.issuer}, attempt 1: ready`)
    info.mockRestore()
    expect((await fetch(`${url}/photos/photo.jpg`)).status).toBe(401)
    const res = await bob()(`${url}/photos/photo.jpg`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ scopes: ['view'], issuer: as.issuer })
  })

  it('answers 404 for a photo that does not exist, before the guard', async () => {
    const module = await import('./rs-readme/not-found.js')
    await listening(module.server)
    const url = started(module)
    expect((await fetch(`${url}/photos/nope.jpg`)).status).toBe(404)
    expect((await fetch(`${url}/photos/photo.jpg`)).status).toBe(401)
  })

  it('decides on plain node:http with authorize(), logging each decision with pino', async () => {
    const module = await import('./rs-readme/node-http.js')
    await listening(module.server)
    const url = started(module)
    expect((await fetch(url)).status).toBe(401)
    expect((await bob()(url)).status).toBe(200)
  })

  it('counts decisions in prom-client through the diagnostics channel', async () => {
    const { server } = await import('./rs-readme/metrics.js')
    await listening(server)
    const metrics = started({ server })
    const guarded = await import('./rs-readme/on-denied.js')
    await listening(guarded.server)
    const url = started(guarded)
    const denied = await fetch(`${url}/photos/photo.jpg`)
    expect(denied.status).toBe(401)
    expect(await denied.json()).toEqual({ message: 'Ask the AS for access' })
    expect(parseUmaChallenge(denied.headers.get('www-authenticate'))?.asUri).toBe(as.issuer)
    const text = await (await fetch(`${metrics}/metrics`)).text()
    expect(text).toMatch(
      /uma_decisions_total\{outcome="challenged",cached="false",issuer="[^"]+"\} \d+/,
    )
  })

  it('calls the Protection API', async () => {
    const module = await import('./rs-readme/protection-api.js')
    started(module)
    expect(module.description).toMatchObject({
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    expect(module.ids.length).toBeGreaterThan(0)
    expect(module.ticket).not.toBe('')
    expect(module.answer).toEqual({ active: false })
  })

  it('guards by a resource name, resolved to its id once', async () => {
    const module = await import('./rs-readme/names.js')
    await listening(module.server)
    const url = started(module)
    const res = await bob()(`${url}/photos/photo.jpg`)
    expect(res.status).toBe(200)
  })
})

describe('resource-server README, several ASes', () => {
  let alice: TestServer
  let dave: TestServer
  beforeAll(async () => {
    const start = (owner: string) =>
      startTestServer({
        clients: {
          'photo-rs': { secret: `${owner}-rs-secret`, resourceServerFor: owner },
          'bob-app': { secret: 'bob-secret' },
        },
        policies: { 'photo.jpg': { owner, scopes: { view: { 'bob-app': {} } } } },
      })
    ;[alice, dave] = await Promise.all([start('alice'), start('dave')])
    process.env.ALICE_AS = alice.issuer
    process.env.DAVE_AS = dave.issuer
    process.env.ALICE_RS_SECRET = 'alice-rs-secret'
    process.env.DAVE_RS_SECRET = 'dave-rs-secret'
  })
  afterAll(async () => {
    await Promise.all([alice.close(), dave.close()])
  })

  it("decides each owner's photo at that owner's AS, and serves the RFC 9728 document", async () => {
    process.env.PHOTOS_URL = 'http://127.0.0.1'
    const module = await import('./rs-readme/several-ases.js')
    await listening(module.server)
    const url = started(module)
    const umaFetch = createUmaFetch({
      trustedIssuers: [alice.issuer, dave.issuer],
      clientId: 'bob-app',
      clientSecret: 'bob-secret',
      // the document names http://127.0.0.1, not this port: only as_uri and trust are checked
      resourceMetadata: 'ignore',
    })
    expect(await (await umaFetch(`${url}/alice/photo.jpg`)).json()).toEqual({
      owner: 'alice',
      decidedBy: alice.issuer,
    })
    expect(await (await umaFetch(`${url}/dave/photo.jpg`)).json()).toEqual({
      owner: 'dave',
      decidedBy: dave.issuer,
    })
    const doc = (await (await fetch(`${url}/.well-known/oauth-protected-resource`)).json()) as {
      authorization_servers: string[]
    }
    expect(doc.authorization_servers).toEqual([alice.issuer, dave.issuer])
  })
})

describe('resource-server README, WSO2 IS', () => {
  it('configures a WSO2-shaped AS with metadata alone, no discovery', async () => {
    const wso2 = await startTestServer({
      shape: 'wso2',
      clients: {
        'photo-rs': { secret: 'wso2-rs-secret', resourceServerFor: 'alice' },
        'bob-app': { secret: 'bob-secret' },
      },
      resources: [{ name: 'photo.jpg', resource_scopes: ['view'] }],
    })
    const secret = process.env.RS_SECRET
    try {
      process.env.WSO2_URL = new URL(wso2.issuer).origin
      process.env.RS_SECRET = 'wso2-rs-secret'
      const { rs } = await import('./rs-readme/wso2.js')
      closers.push(() => rs.close())
      const ids = await rs.resources.list()
      expect(ids).toEqual([wso2.resourceIds.get('photo.jpg')])
      expect(
        await rs.requestTicket({ resource_id: ids[0] ?? '', resource_scopes: ['view'] }),
      ).not.toBe('')
    } finally {
      process.env.RS_SECRET = secret
      await wso2.close()
    }
  })
})

describeWithRedis('resource-server README, a fleet on Redis', () => {
  it('shares checked RPTs through Redis and revokes one everywhere', async () => {
    const redis = await startRedisServer()
    try {
      process.env.REDIS_URL = redis.url
      process.env.UMA_SHARED_SECRET = 'a-fleet-secret-of-at-least-32-bytes'
      const module = await import('./rs-readme/fleet.js')
      await module.rs.introspect('an-rpt')
      await module.rs.close()
      module.redis.destroy()
    } finally {
      await redis.stop()
    }
  })
})
