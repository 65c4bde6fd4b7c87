/**
 * The behaviour of the shared level over `redisStore`, run against a real redis-server with each
 * client, single node and cluster: sharing, one leader, waiting, revocation, tampering, garbage.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { redisStore, type RedisStoreOptions } from '../../src/shared/redis-store.js'
import {
  createSharedLevel,
  type SharedLevel,
  type SharedRevocation,
} from '../../src/shared/shared-level.js'
import type { SharedEntry } from '../../src/shared/entry-codec.js'
import type { TestClient } from './redis-clients.js'

/** A shared secret of the fleet under test. */
export const SECRET = randomBytes(32)

/** An instance of the fleet: its level and its own connection. */
export interface Instance {
  readonly level: SharedLevel
  readonly client: TestClient
  readonly prefix: string
}

/** An active introspection checked now, valid for 30 s. */
export function activeEntry(now = Date.now()): SharedEntry {
  return {
    introspection: {
      active: true,
      exp: Math.floor(now / 1000) + 60,
      permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
    },
    checkedAt: now,
    expiresAt: now + 30_000,
  }
}

/** Milliseconds `task` took, and its value. */
export async function timed<T>(task: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await task()
  return { value, ms: Math.round((performance.now() - start) * 10) / 10 }
}

/**
 * Sets up a fleet per test, each instance on its own connection, under a fresh key prefix.
 *
 * @param connect - opens one connection
 * @returns `instance()`, which adds one instance to the current test's fleet
 */
export function useFleet(connect: () => Promise<TestClient>) {
  const clients: TestClient[] = []
  const levels: SharedLevel[] = []
  let prefix = ''
  beforeEach(() => {
    prefix = `test-${randomUUID()}:`
  })
  afterEach(async () => {
    await Promise.all(levels.splice(0).map((level) => level.close()))
    await Promise.all(clients.splice(0).map((client) => client.close()))
  })
  return async function instance(
    options: { secret?: Uint8Array; store?: RedisStoreOptions } = {},
  ): Promise<Instance> {
    const client = await connect()
    clients.push(client)
    const store = redisStore(client.client, { prefix, ...options.store })
    const level = createSharedLevel({ store, secret: options.secret ?? SECRET, opTimeoutMs: 100 })
    levels.push(level)
    return { level, client, prefix }
  }
}

/**
 * Registers the cases.
 *
 * @param label - names the client and topology in the figures printed
 * @param connect - opens one connection
 */
export function sharedStoreCases(label: string, connect: () => Promise<TestClient>): void {
  const instance = useFleet(connect)

  it('reads on one instance the entry another wrote', async () => {
    const [a, b] = [await instance(), await instance()]
    const key = a.level.localKey('rpt-round-trip')
    expect(b.level.localKey('rpt-round-trip')).toBe(key)
    const entry = activeEntry()
    await a.level.write(key, entry)
    expect(await b.level.read(key)).toEqual(entry)
    expect(await b.level.read(b.level.localKey('another-rpt'))).toBeUndefined()
  })

  it('lets exactly one of 60 concurrent first uses on 3 instances lead', async () => {
    const fleet = [await instance(), await instance(), await instance()]
    const key = fleet[0]!.level.localKey('rpt-first-use')
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => fleet[i % 3]!.level.lead(key)),
    )
    expect(answers.filter(Boolean)).toHaveLength(1)
  })

  it("gives a waiting instance the leader's answer", async () => {
    const [leader, follower] = [await instance(), await instance()]
    const key = leader.level.localKey('rpt-wait')
    expect(await leader.level.lead(key)).toBe(true)
    expect(await follower.level.lead(key)).toBe(false)
    const entry = activeEntry()
    const waiting = timed(() => follower.level.waitFor(key, 2000))
    setTimeout(() => void leader.level.write(key, entry), 50)
    const { value, ms } = await waiting
    expect(value).toEqual(entry)
    expect(ms).toBeLessThan(1000)
    console.log(`[${label}] follower got the leader's answer written at 50 ms after ${ms} ms`)
  })

  it('tells a waiting instance that no answer came within its timeout', async () => {
    const [leader, follower] = [await instance(), await instance()]
    const key = leader.level.localKey('rpt-no-answer')
    expect(await leader.level.lead(key)).toBe(true)
    const { value, ms } = await timed(() => follower.level.waitFor(key, 300))
    expect(value).toBeUndefined()
    expect(ms).toBeGreaterThanOrEqual(295)
    expect(ms).toBeLessThan(800)
  })

  it('makes every instance hear a revocation within one second', async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()]
    const key = a.level.localKey('rpt-revoked')
    const before = activeEntry()
    await a.level.write(key, before)
    expect(await c.level.read(key)).toEqual(before)
    let started = 0
    const heard = (level: SharedLevel) =>
      new Promise<number>((resolve) => {
        level.onRevoked((revocation: SharedRevocation) => {
          if (revocation.kind === 'key' && revocation.localKey === key) {
            resolve(Math.round(performance.now() - started))
          }
        })
      })
    const hearing = Promise.all([heard(b.level), heard(c.level)])
    // the instances' polls start at their creation: let them all have read the stream once
    await new Promise((resolve) => setTimeout(resolve, 300))
    started = performance.now()
    const [, [atB, atC]] = await Promise.all([a.level.revoke(key), hearing])
    const total = Math.round(performance.now() - started)
    expect(Math.max(atB, atC, total)).toBeLessThan(1000)
    console.log(`[${label}] revocation heard on the other instances after ${atB} and ${atC} ms`)
    // no instance reads it any more, and an answer checked before the revocation stays out
    expect(await c.level.read(key)).toBeUndefined()
    await c.level.write(key, before)
    expect(await b.level.read(key)).toBeUndefined()
  })

  it('refuses a value changed, moved to another key, or written with another secret', async () => {
    const [a, b] = [await instance(), await instance()]
    const other = await instance({ secret: randomBytes(32) })
    const [k1, k2] = [a.level.localKey('rpt-one'), a.level.localKey('rpt-two')]
    const [e1, e2] = [activeEntry(), { ...activeEntry(), introspection: { active: false } }]
    await a.level.write(k1, e1)
    await a.level.write(k2, e2)
    const full = (k: string) => `${a.prefix}rpt:${k}`
    const v1 = (await a.client.raw('GET', full(k1))) as string
    const v2 = (await a.client.raw('GET', full(k2))) as string
    // moved: each value under the other's key
    await a.client.raw('SET', full(k1), v2)
    await a.client.raw('SET', full(k2), v1)
    expect(await b.level.read(k1)).toBeUndefined()
    expect(await b.level.read(k2)).toBeUndefined()
    // changed: one character flipped, in the MAC or in the JSON
    for (const at of [5, v1.length - 3]) {
      const flipped = v1.slice(0, at) + (v1[at] === 'A' ? 'B' : 'A') + v1.slice(at + 1)
      await a.client.raw('SET', full(k1), flipped)
      expect(await b.level.read(k1)).toBeUndefined()
    }
    // written with another secret, under this fleet's key
    await a.client.raw('DEL', full(k1))
    await other.level.write(k1, e1)
    expect(await a.client.raw('EXISTS', full(k1))).toBe(1)
    expect(await b.level.read(k1)).toBeUndefined()
    // the original value, back in place, is accepted again
    await a.client.raw('SET', full(k1), v1)
    expect(await b.level.read(k1)).toEqual(e1)
  })

  it('refuses garbage and huge values, and goes on sharing', async () => {
    const [a, b] = [await instance(), await instance()]
    const key = a.level.localKey('rpt-garbage')
    const full = `${a.prefix}rpt:${key}`
    for (const garbage of ['garbage', `u1.${'A'.repeat(43)}.{}`, 'u1.revoked', '\u0000']) {
      await a.client.raw('SET', full, garbage)
      expect(await b.level.read(key)).toBeUndefined()
    }
    await a.client.raw('SET', full, `u1.${'A'.repeat(43)}.${'x'.repeat(16 * 1024 * 1024)}`)
    const huge = await timed(() => b.level.read(key))
    expect(huge.value).toBeUndefined()
    await a.client.raw('DEL', full)
    await a.client.raw('LPUSH', full, 'not a string')
    expect(await b.level.read(key)).toBeUndefined()
    console.log(`[${label}] a 16 MiB value was refused in ${huge.ms} ms`)
    const good = b.level.localKey('rpt-after-garbage')
    await a.level.write(good, activeEntry())
    expect(await b.level.read(good)).toBeDefined()
  })
}
