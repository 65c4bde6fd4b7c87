import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SharedEntry } from './entry-codec.js'
import { createMemoryStore, type MemoryStore } from './memory-store.js'
import { createSharedLevel, type SharedLevel, type SharedRevocation } from './shared-level.js'
import type { SharedRptStore } from './store.js'

const SECRET = 'fleet-secret-of-at-least-32-bytes!'
const T0 = 1_800_000_000_000

function entryAt(checkedAt: number, lifeMs = 30_000): SharedEntry {
  return {
    introspection: { active: true, scope: 'view' },
    checkedAt,
    expiresAt: checkedAt + lifeMs,
  }
}

const levels: SharedLevel[] = []
function levelOn(store: SharedRptStore, secret: string = SECRET): SharedLevel {
  const level = createSharedLevel({ store, secret, opTimeoutMs: 100, lockTtlMs: 5000 })
  levels.push(level)
  return level
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(async () => {
  await Promise.all(levels.splice(0).map((level) => level.close()))
  vi.useRealTimers()
})

describe('createSharedLevel', () => {
  let store: MemoryStore
  beforeEach(() => {
    store = createMemoryStore()
  })

  it('shares what one instance writes with another, under a key derived with the secret', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const key = a.localKey('rpt-1')
    expect(b.localKey('rpt-1')).toBe(key)
    expect(levelOn(store, 'another-fleet-secret-of-32-bytes!!').localKey('rpt-1')).not.toBe(key)
    await a.write(key, entryAt(Date.now()))
    expect(await b.read(key)).toEqual(entryAt(T0))
    expect([...store.values().keys()]).toEqual([`rpt:${key}`])
    expect([...store.values().values()][0]).not.toContain('rpt-1')
  })

  it('reads as a miss what another secret wrote under this key', async () => {
    const [a, other] = [levelOn(store), levelOn(store, 'another-fleet-secret-of-32-bytes!!')]
    const key = a.localKey('rpt-1')
    await other.write(key, entryAt(T0))
    expect(store.values().size).toBe(1)
    expect(await a.read(key)).toBeUndefined()
  })

  it('keeps an entry no longer than maxTtlMs after its check, nor past its expiresAt', async () => {
    const level = createSharedLevel({ store, secret: SECRET, maxTtlMs: 10_000 })
    levels.push(level)
    const key = level.localKey('rpt-1')
    await level.write(key, entryAt(T0 - 4000, 60_000))
    expect((await level.read(key))?.expiresAt).toBe(T0 + 6000)
    vi.setSystemTime(T0 + 6000)
    expect(await level.read(key)).toBeUndefined()
    await level.write(key, entryAt(T0 - 60_000))
    expect(store.values().size).toBe(0)
  })

  it('never replaces a value already there', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const key = a.localKey('rpt-1')
    await a.write(key, entryAt(T0))
    await b.write(key, { ...entryAt(T0), introspection: { active: false } })
    expect((await a.read(key))?.introspection.active).toBe(true)
  })

  it('lets one of many concurrent first uses lead, and another once the lock has expired', async () => {
    const fleet = [levelOn(store), levelOn(store), levelOn(store)]
    const key = fleet[0]!.localKey('rpt-1')
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => fleet[i % 3]!.lead(key)))
    expect(answers.filter(Boolean)).toHaveLength(1)
    vi.setSystemTime(T0 + 4999)
    expect(await fleet[1]!.lead(key)).toBe(false)
    vi.setSystemTime(T0 + 5000)
    expect(await fleet[1]!.lead(key)).toBe(true)
  })

  it("gives a waiter the leader's entry as soon as one of its looks sees it", async () => {
    const [leader, follower] = [levelOn(store), levelOn(store)]
    const key = leader.localKey('rpt-1')
    const waiting = follower.waitFor(key, 1000)
    await vi.advanceTimersByTimeAsync(120)
    await leader.write(key, entryAt(Date.now()))
    await vi.advanceTimersByTimeAsync(50)
    await expect(waiting).resolves.toEqual(entryAt(T0 + 120))
  })

  it('tells a waiter at its timeout that none came, and at once when the key is revoked', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const key = a.localKey('rpt-1')
    let settled = false
    const waiting = b.waitFor(key, 300).finally(() => (settled = true))
    await vi.advanceTimersByTimeAsync(299)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(waiting).resolves.toBeUndefined()

    const revokedWait = b.waitFor(key, 5000)
    await a.revoke(key)
    await vi.advanceTimersByTimeAsync(50)
    await expect(revokedWait).resolves.toBeUndefined()
  })

  it('revokes on this instance at once and on the others, and keeps older answers out', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const key = a.localKey('rpt-1')
    await a.write(key, entryAt(T0 - 1000))
    const planted = store.values().get(`rpt:${key}`)!
    const atA: SharedRevocation[] = []
    const atB: SharedRevocation[] = []
    a.onRevoked((r) => atA.push(r))
    b.onRevoked((r) => atB.push(r))
    const revoking = a.revoke(key)
    expect(atA).toEqual([{ kind: 'key', localKey: key }])
    await revoking
    expect(atB).toEqual([{ kind: 'key', localKey: key }])
    expect(await b.read(key)).toBeUndefined()
    // the old value written back by someone who can write to the store: refused by both
    store.put(`rpt:${key}`, planted)
    expect(await a.read(key)).toBeUndefined()
    expect(await b.read(key)).toBeUndefined()
    // an answer checked before the revocation, written late, is not shared
    store.clear()
    await vi.advanceTimersByTimeAsync(10_000)
    await b.write(key, entryAt(T0 - 500))
    expect(store.values().size).toBe(0)
    // a check made after it is shared again
    await b.write(key, entryAt(Date.now()))
    expect(await a.read(key)).toEqual(entryAt(T0 + 10_000))
  })

  it('tells listeners to forget everything when the store may have lost messages', () => {
    const level = levelOn(store)
    const heard: SharedRevocation[] = []
    level.onRevoked((r) => heard.push(r))
    store.lose()
    expect(heard).toEqual([{ kind: 'all' }])
  })

  it('ignores published messages that are no key, and survives a throwing listener', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const heard: SharedRevocation[] = []
    b.onRevoked(() => {
      throw new Error('listener bug')
    })
    b.onRevoked((r) => heard.push(r))
    const ac = new AbortController()
    await store.publish('not a key', ac.signal)
    await store.publish(`${a.localKey('x')}!`, ac.signal)
    await a.revoke(a.localKey('rpt-1'))
    expect(heard).toEqual([{ kind: 'key', localKey: a.localKey('rpt-1') }])
  })

  it('stops hearing the store once closed, reads nothing and leads itself', async () => {
    const [a, b] = [levelOn(store), levelOn(store)]
    const key = a.localKey('rpt-1')
    await a.write(key, entryAt(T0))
    const heard: SharedRevocation[] = []
    b.onRevoked((r) => heard.push(r))
    await b.close()
    await a.revoke(key)
    store.lose()
    expect(heard).toEqual([])
    await a.lead(key)
    expect(await b.read(key)).toBeUndefined()
    expect(await b.lead(key)).toBe(true)
    await expect(b.waitFor(key, 1000)).resolves.toBeUndefined()
  })

  it('checks its options', () => {
    expect(() => createSharedLevel({ store, secret: 'short' })).toThrow(/at least 32 bytes/)
    expect(() => createSharedLevel({ store: {} as SharedRptStore, secret: SECRET })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    )
    expect(() => createSharedLevel({ store, secret: SECRET, opTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    )
  })
})

describe('createSharedLevel over a failing store', () => {
  function storeWith(call: () => Promise<never>): SharedRptStore {
    return {
      get: call,
      set: call,
      setIfAbsent: call,
      publish: call,
      subscribe: () => () => undefined,
    }
  }

  it('answers nothing at opTimeoutMs from a store that hangs, then at once', async () => {
    const level = levelOn(storeWith(() => new Promise<never>(() => undefined)))
    const key = level.localKey('rpt-1')
    const read = level.read(key)
    const lead = level.lead(key)
    const wait = level.waitFor(key, 1000)
    await vi.advanceTimersByTimeAsync(100)
    await expect(read).resolves.toBeUndefined()
    await expect(lead).resolves.toBe(true)
    await expect(wait).resolves.toBeUndefined()
    // the breaker is open: answers come without waiting
    await expect(level.read(key)).resolves.toBeUndefined()
    await expect(level.lead(key)).resolves.toBe(true)
    await expect(level.write(key, entryAt(T0))).resolves.toBeUndefined()
  })

  it('fails a revocation the store did not take, after telling this instance', async () => {
    const level = levelOn(storeWith(() => Promise.reject(new Error('ECONNREFUSED'))))
    const heard: SharedRevocation[] = []
    level.onRevoked((r) => heard.push(r))
    const key = level.localKey('rpt-1')
    await expect(level.revoke(key)).rejects.toMatchObject({
      name: 'UmaError',
      code: 'store_unavailable',
    })
    expect(heard).toEqual([{ kind: 'key', localKey: key }])
  })
})
