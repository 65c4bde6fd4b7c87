/**
 * A fleet of resource servers sharing checked RPTs on a real redis-server, with node-redis and
 * ioredis: one introspection per RPT for the fleet, revocation everywhere within a second, and
 * decisions as without Redis when it is down, slow or holds garbage.
 */
import { delay, http } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createResourceServer, redisStore, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './support/fake-as.js'
import { CLIENT_KINDS, connectClient, type TestClient } from './support/redis-clients.js'
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const SECRET = 'fleet-secret-of-at-least-32-bytes!!'

describeWithRedis('a fleet of three resource servers on Redis', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(() => redis.stop())

  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    let as: FakeAs
    let clients: TestClient[]
    let fleet: ResourceServer[]
    let prefix = 0

    beforeEach(async () => {
      as = createFakeAs('spec')
      msw.use(...as.handlers)
      prefix += 1
      clients = await Promise.all([0, 1, 2].map(() => connectClient(kind, redis.port)))
      fleet = clients.map(({ client }) =>
        createResourceServer({
          issuer: as.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          fetch: mswFetch,
          timeoutMs: 1000,
          cache: { shared: redisStore(client, { prefix: `t${prefix}:` }), sharedSecret: SECRET },
        }),
      )
    })
    afterEach(async () => {
      await Promise.all(fleet.map((rs) => rs.close()))
      await Promise.all(clients.map((c) => c.close()))
    })

    const decide = (rs: ResourceServer, token: string) =>
      rs.authorize({ authorization: `Bearer ${token}`, resourceId: 'photo-1', scopes: ['view'] })

    it('makes one introspection for 60 concurrent first uses on 3 instances', async () => {
      as.rpts.set('rpt-1', { active: true, grants: { 'photo-1': ['view'] } })
      // the AS takes a while, as a real one under load would: the others must wait for it
      msw.use(
        http.post(as.endpoints.introspection, async () => {
          await delay(150)
          return undefined
        }),
      )
      const decisions = await Promise.all(
        Array.from({ length: 60 }, (_, i) => decide(fleet[i % 3]!, 'rpt-1')),
      )
      expect(decisions.every((d) => d.allowed)).toBe(true)
      expect(as.calls.introspection).toBe(1)
    })

    it('serves a later first use on another instance from the store, with no AS call', async () => {
      as.rpts.set('rpt-2', { active: true, grants: { 'photo-1': ['view'] } })
      expect(await decide(fleet[0]!, 'rpt-2')).toMatchObject({ allowed: true })
      await delay(50)
      expect(await decide(fleet[1]!, 'rpt-2')).toMatchObject({ allowed: true })
      expect(as.calls.introspection).toBe(1)
    })

    it('makes every instance ask the AS again within a second of revoke()', async () => {
      as.rpts.set('rpt-3', { active: true, grants: { 'photo-1': ['view'] } })
      for (const rs of fleet) expect(await decide(rs, 'rpt-3')).toMatchObject({ allowed: true })
      const before = as.calls.introspection
      as.rpts.set('rpt-3', { active: false })
      await fleet[0]!.revoke('rpt-3')
      await delay(1000)
      for (const rs of fleet) expect(await decide(rs, 'rpt-3')).toMatchObject({ allowed: false })
      expect(as.calls.introspection).toBeGreaterThan(before)
    })

    it('takes a tampered entry as a miss: someone who can write to Redis opens nothing', async () => {
      as.rpts.set('rpt-4', { active: true, grants: { 'photo-1': ['view'] } })
      expect(await decide(fleet[0]!, 'rpt-4')).toMatchObject({ allowed: true })
      await delay(50)
      // widen every shared entry: print added, the MAC left as it was
      const raw = clients[0]!
      const keys = (await raw.raw('KEYS', `t${prefix}:rpt:*`)) as string[]
      for (const key of keys) {
        const value = String(await raw.raw('GET', key))
        await raw.raw('SET', key, value.replace('"view"', '"view","print"'))
      }
      const print = await fleet[1]!.authorize({
        authorization: 'Bearer rpt-4',
        resourceId: 'photo-1',
        scopes: ['print'],
      })
      expect(print).toMatchObject({ allowed: false, status: 401 })
      expect(as.calls.introspection).toBe(2)
    })

    it('decides as without Redis when it is down, then shares again when it is back', async () => {
      as.rpts.set('rpt-5', { active: true, grants: { 'photo-1': ['view'] } })
      await redis.kill()
      try {
        for (const rs of fleet) expect(await decide(rs, 'rpt-5')).toMatchObject({ allowed: true })
        // each instance asked the AS itself: nothing was shared, nothing failed
        expect(as.calls.introspection).toBe(3)
        expect(await decide(fleet[0]!, 'garbage')).toMatchObject({ allowed: false, status: 401 })
      } finally {
        await redis.restart()
      }
      // the clients reconnect, the breaker's probe finds Redis again, and sharing resumes: a
      // fresh RPT checked on one instance is then served to another without an AS call (tried
      // for up to ten seconds, since reconnecting and the breaker's cooldown take a while)
      let shared = false
      for (let round = 0; round < 40 && !shared; round++) {
        await delay(250)
        const token = `rpt-6-${round}`
        as.rpts.set(token, { active: true, grants: { 'photo-1': ['view'] } })
        expect(await decide(fleet[0]!, token)).toMatchObject({ allowed: true })
        const before = as.calls.introspection
        await delay(50)
        expect(await decide(fleet[2]!, token)).toMatchObject({ allowed: true })
        shared = as.calls.introspection === before
      }
      expect(shared).toBe(true)
    })
  })
})
