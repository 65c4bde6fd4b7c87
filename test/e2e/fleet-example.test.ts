/**
 * The fleet example end to end (`pnpm --filter @uma-kit/example-fleet start`): three resource
 * server processes and a real `redis-server`, against the development AS. What its README
 * prints is what this test holds it to.
 */
import { spawnSync } from 'node:child_process'
import { runFleet, type FleetFigures } from '@uma-kit/example-fleet'
import { describe, expect, it } from 'vitest'

const NEED = 'redis-server on PATH (apt-get install redis-server)'
const hasRedis = spawnSync('redis-server', ['--version']).status === 0

/** Runs where redis-server is installed; skips with one line elsewhere, except under CI=true. */
function describeWithRedis(name: string, suite: () => void): void {
  if (hasRedis) describe(name, suite)
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${NEED}`, () => {
        throw new Error(`${name}: ${NEED} is required under CI=true`)
      })
    })
  } else {
    console.warn(`skipped "${name}": it needs ${NEED}`)
    describe.skip(name, suite)
  }
}

describeWithRedis('the fleet example: three RS processes sharing checked RPTs on Redis', () => {
  it('asks the AS once per RPT for the fleet, revokes everywhere, and rides out Redis', async () => {
    const lines: string[] = []
    const figures: FleetFigures = await runFleet((line) => lines.push(line))

    expect(figures.firstUses).toEqual({ requests: 60, allowed: 60, introspections: 1 })
    // api.md: every instance asks the AS again within one second of revoke()
    expect(figures.revocation.deniedEverywhere).toBe(true)
    for (const ms of figures.revocation.msPerInstance) expect(ms).toBeLessThan(1000)
    // Redis killed: each instance decides alone, nothing fails, nothing the AS did not vouch for
    expect(figures.redisDown).toMatchObject({
      requests: 60,
      allowed: 60,
      introspections: 3,
      unknownDenied: 3,
      unknownIntrospections: 3,
    })
    // Redis back: sharing resumes once the breakers' probes have found it
    expect(figures.redisBack).toMatchObject({ requests: 60, allowed: 60, introspections: 1 })
    expect(figures.redisBack.introspectionsWhileReopening).toBeLessThanOrEqual(3)
    expect(lines.join('\n')).toContain('1 introspection for the fleet: shared again')
  }, 60_000)
})
