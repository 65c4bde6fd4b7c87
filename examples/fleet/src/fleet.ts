/**
 * The fleet scenario: Redis, the development AS, three resource server processes sharing their
 * checked RPTs, and a client load. Every step says what it does through `log`; the figures come
 * back for the caller (`main.ts` prints them, the e2e test checks them).
 */
import { startTestServer } from '@uma-kit/dev-server/testing'
import type { FleetFigures } from './figures.js'
import { startInstance } from './instances.js'
import { burst, get, mint } from './requests.js'
import { startRedis, type RedisProcess } from './redis-server.js'

export type { FleetFigures } from './figures.js'

const SECRET = 'example-fleet-secret-of-at-least-32-bytes'

/**
 * Runs the scenario and stops everything it started, also on failure.
 *
 * @param log - receives a line per step
 * @returns the figures
 */
export async function runFleet(log: (line: string) => void): Promise<FleetFigures> {
  let introspections = 0
  const stopping: (() => Promise<void>)[] = []
  try {
    const redis: RedisProcess = await startRedis()
    stopping.push(() => redis.stop())
    log(`redis-server on 127.0.0.1:${redis.port} (pid-managed, nothing persisted)`)
    const as = await startTestServer({
      resources: [{ name: 'photo-1', resource_scopes: ['view'] }],
      onEvent: (event) => {
        if (event.type === 'introspection') introspections++
      },
    })
    stopping.push(() => as.close())
    const resourceId = as.resourceIds.get('photo-1') as string
    log(`development AS at ${as.issuer}`)
    const started = await Promise.allSettled(
      ['rs-1', 'rs-2', 'rs-3'].map((name) =>
        startInstance({
          name,
          rs: as.resourceServerOptions(),
          resourceId,
          redisUrl: redis.url,
          sharedSecret: SECRET,
        }),
      ),
    )
    // the instances that did start are stopped also when another one did not
    const fleet = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    stopping.push(() => Promise.all(fleet.map((i) => i.close())).then(() => undefined))
    const failed = started.find((s) => s.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    log(`3 resource servers: ${fleet.map((i) => `${i.name} ${i.url} (pid ${i.pid})`).join(', ')}`)

    const first = await mint(as, resourceId)
    introspections = 0
    log('60 concurrent first uses of one RPT, 20 on each instance')
    const firstUses = await burst(fleet, first.rpt, 60)
    const firstFigures = {
      requests: 60,
      allowed: firstUses.filter((r) => r.status === 200).length,
      introspections,
    }
    log(`  ${firstFigures.allowed} allowed, ${introspections} introspection for the fleet`)

    log('the AS revokes the RPT, and the application calls rs.revoke(rpt) on rs-1')
    as.state.rpts.delete(first.key)
    const revokedAt = performance.now()
    const res = await fetch(`${fleet[0]?.url}/admin/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.rpt}` },
    })
    if (res.status !== 204) throw new Error(`revoke answered ${res.status}`)
    const msPerInstance = await Promise.all(
      fleet.map(async (instance) => {
        while (performance.now() - revokedAt < 5000) {
          if ((await get(instance, first.rpt)).status === 401) return performance.now() - revokedAt
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        return Number.POSITIVE_INFINITY
      }),
    )
    const revocation = { deniedEverywhere: msPerInstance.every(Number.isFinite), msPerInstance }
    log(
      `  refused on ${fleet.map((i, n) => `${i.name} after ${msPerInstance[n]?.toFixed(0)} ms`).join(', ')}`,
    )

    log('Redis stopped (SIGKILL)')
    await redis.stop()
    const second = await mint(as, resourceId)
    introspections = 0
    const down = await burst(fleet, second.rpt, 60)
    const downIntrospections = introspections
    introspections = 0
    const unknown = await burst(fleet, 'never-issued-token', 3)
    const redisDown = {
      requests: 60,
      allowed: down.filter((r) => r.status === 200).length,
      introspections: downIntrospections,
      slowestMs: Math.max(...down.map((r) => r.ms)),
      unknownDenied: unknown.filter((r) => r.status === 401).length,
      unknownIntrospections: introspections,
    }
    log(
      `  60 first uses of a new RPT: ${redisDown.allowed} allowed, ${downIntrospections} ` +
        `introspections (each instance asks the AS itself), slowest request ` +
        `${redisDown.slowestMs.toFixed(0)} ms`,
    )
    log(
      `  a token the AS never issued, once on each instance: ${redisDown.unknownDenied}/3 ` +
        `answered 401, ${introspections} introspections`,
    )

    log('Redis started again on the same port')
    await redis.start()
    // node-redis reconnects on its own; each instance's circuit breaker stays open until a store
    // call made after its one-second cooldown starts the probe that closes it
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const third = await mint(as, resourceId)
    introspections = 0
    const reopening = await burst(fleet, third.rpt, 60)
    const introspectionsWhileReopening = introspections
    log(
      `  60 first uses of a new RPT: ${reopening.filter((r) => r.status === 200).length} allowed, ` +
        `${introspections} introspections (each breaker still open; these calls start its probe)`,
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    const fourth = await mint(as, resourceId)
    introspections = 0
    const back = await burst(fleet, fourth.rpt, 60)
    const redisBack = {
      requests: 60,
      allowed: back.filter((r) => r.status === 200).length,
      introspectionsWhileReopening,
      introspections,
    }
    log(
      `  60 first uses of the next RPT: ${redisBack.allowed} allowed, ${introspections} ` +
        `introspection for the fleet: shared again`,
    )
    return { firstUses: firstFigures, revocation, redisDown, redisBack }
  } finally {
    for (const stop of stopping.reverse()) await stop()
  }
}
