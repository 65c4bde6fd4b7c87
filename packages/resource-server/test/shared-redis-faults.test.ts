/**
 * The shared level while redis-server fails under it: killed by PID, asleep in DEBUG SLEEP,
 * restarted empty. Calls answer "nothing" quickly, never reject, and sharing comes back.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SharedRevocation } from '../src/shared/shared-level.js'
import { CLIENT_KINDS, connectClient } from './support/redis-clients.js'
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js'
import { activeEntry, timed, useFleet, type Instance } from './support/shared-cases.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => process.on('unhandledRejection', onUnhandled))
afterAll(() => process.off('unhandledRejection', onUnhandled))

/** Tries `attempt` until it answers true, up to `withinMs`; the time it took. */
async function eventually(attempt: () => Promise<boolean>, withinMs: number): Promise<number> {
  const start = Date.now()
  while (!(await attempt())) {
    if (Date.now() - start > withinMs) throw new Error(`not within ${withinMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return Date.now() - start
}

/** Whether an entry written by `a` is read by `b`: the fleet shares again. */
async function sharing(a: Instance, b: Instance, token: string): Promise<boolean> {
  const key = a.level.localKey(token)
  await a.level.write(key, activeEntry())
  return (await b.level.read(key)) !== undefined
}

/** Each of read, lead and waitFor once, timed. */
async function callsTimed(level: Instance['level'], key: string) {
  const read = await timed(() => level.read(key))
  const lead = await timed(() => level.lead(key))
  const wait = await timed(() => level.waitFor(key, 1000))
  expect(read.value).toBeUndefined()
  expect(lead.value).toBe(true)
  expect(wait.value).toBeUndefined()
  return [read.ms, lead.ms, wait.ms]
}

describeWithRedis('the shared level when redis-server fails', () => {
  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    let server: RedisServer
    beforeEach(async () => {
      server = await startRedisServer()
      unhandled.length = 0
    })
    afterEach(() => server.stop())
    const instance = useFleet(() => connectClient(kind, server.port))

    it('answers at once while Redis is down, and shares again once it is back', async () => {
      const [a, b] = [await instance(), await instance()]
      expect(await sharing(a, b, 'rpt-before')).toBe(true)
      const all: SharedRevocation[] = []
      b.level.onRevoked((r) => all.push(r))
      await a.level.revoke(a.level.localKey('rpt-revoked-before'))
      await eventually(() => Promise.resolve(all.length >= 1), 1000)

      await server.kill()
      const key = a.level.localKey('rpt-while-down')
      const first = await callsTimed(a.level, key)
      const later: number[] = []
      for (let i = 0; i < 20; i++) later.push(...(await callsTimed(a.level, key)))
      await a.level.write(key, activeEntry())
      await expect(a.level.revoke(key)).rejects.toMatchObject({ code: 'store_unavailable' })
      console.log(
        `[${kind}] Redis killed: read, lead, waitFor took ${first.join(', ')} ms; ` +
          `then at most ${Math.max(...later)} ms each over 20 rounds`,
      )
      // bounds loose enough for a loaded 2-core machine; the figures printed are the measure
      expect(Math.max(...first)).toBeLessThan(400)
      expect(Math.max(...later)).toBeLessThan(50)

      await server.restart()
      const back = await eventually(() => sharing(a, b, 'rpt-after'), 10_000)
      console.log(`[${kind}] Redis restarted: sharing again after ${back} ms`)
      // the stream restarted empty: b cannot vouch it missed nothing, so it forgets everything
      await eventually(() => Promise.resolve(all.some((r) => r.kind === 'all')), 3000)
      expect(unhandled).toEqual([])
    })

    it('ends calls at opTimeoutMs while Redis sleeps (DEBUG SLEEP 2), then shares again', async () => {
      const [a, b] = [await instance(), await instance()]
      expect(await sharing(a, b, 'rpt-awake')).toBe(true)
      // on a connection of its own, already open, so that Redis is asleep within a millisecond
      const sleeper = await instance()
      const slept = sleeper.client.raw('DEBUG', 'SLEEP', '2')
      await new Promise((resolve) => setTimeout(resolve, 50))
      const key = a.level.localKey('rpt-asleep')
      const first = await callsTimed(a.level, key)
      const next = await callsTimed(a.level, key)
      console.log(
        `[${kind}] DEBUG SLEEP 2: read, lead, waitFor took ${first.join(', ')} ms, ` +
          `then ${next.join(', ')} ms (breaker open)`,
      )
      for (const ms of first) {
        expect(ms).toBeGreaterThanOrEqual(95)
        expect(ms).toBeLessThan(400)
      }
      expect(Math.max(...next)).toBeLessThan(50)
      await slept
      const back = await eventually(() => sharing(a, b, 'rpt-awake-again'), 5000)
      console.log(`[${kind}] DEBUG SLEEP over: sharing again after ${back} ms`)
      expect(unhandled).toEqual([])
    })
  })
})
