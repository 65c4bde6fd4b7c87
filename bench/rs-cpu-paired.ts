/**
 * The same figures as `rs-cpu`, measured another way: each app in a server process of its own,
 * all loaded at the same time for SECONDS a turn (one autocannon instance each, from one load
 * process), so that whatever else the machine runs weighs on every app in the same seconds.
 * Each process counts its own CPU over the turn; the ratio to bare is taken per turn.
 * Run: pnpm --filter @uma-kit/bench rs-cpu-paired  (after pnpm build). ONLY= limits the apps
 * (bare is always one); BASELINE=<another build's dist/index.js> adds that build's guard;
 * PROFILE=1 writes a CPU profile of each server process to bench/profiles/.
 */
import { VARIANTS, type Variant } from './cpu-apps.js'
import { startCpuServer, type CpuServer } from './cpu-servers.js'
import { runLoads } from './load.js'
import { median, range } from './stats.js'
import { writeResult } from './support.js'

const TURNS = Number(process.env.TURNS ?? 15)
const SECONDS = Number(process.env.SECONDS ?? 4)
const CONNECTIONS = 10
const only = (process.env.ONLY?.split(',') as Variant[] | undefined) ?? [...VARIANTS]
const variants: Variant[] = ['bare', ...only.filter((v) => v !== 'bare')]

interface Target {
  readonly label: string
  readonly server: CpuServer
  readonly variant: Variant
}
const targets: Target[] = []
const profileDir =
  process.env.PROFILE === '1' ? new URL('./profiles', import.meta.url).pathname : undefined
for (const variant of variants) {
  const server = await startCpuServer({ ONLY: variant }, profileDir)
  targets.push({ label: variant, variant, server })
}
if (process.env.BASELINE !== undefined) {
  const server = await startCpuServer({ ONLY: 'requireUmaScope', BUILD: process.env.BASELINE })
  targets.push({ label: 'baseline:requireUmaScope', variant: 'requireUmaScope', server })
}

async function turn(seconds: number) {
  for (const t of targets) t.server.begin(t.variant)
  const loads = await runLoads(
    targets.map(({ server, variant }) => ({
      url: server.apps[variant].url,
      headers: server.apps[variant].headers,
      connections: CONNECTIONS,
      seconds,
    })),
  )
  const figures: Record<string, { cpuUsPerRequest: number; rps: number }> = {}
  for (const [i, t] of targets.entries()) {
    const counted = await t.server.end(t.variant)
    const load = loads[i]
    if (load === undefined || load.non2xx > 0 || load.errors > 0) {
      throw new Error(`${t.label}: failed requests ${JSON.stringify(load)}`)
    }
    figures[t.label] = { cpuUsPerRequest: counted.cpuUs / counted.served, rps: load.rps }
  }
  return figures
}

await turn(2) // warm-up
const turns = []
for (let i = 0; i < TURNS; i++) {
  const figures = await turn(SECONDS)
  turns.push(figures)
  console.log(
    `turn ${i + 1}: ` +
      targets
        .map(({ label }) => `${label} ${figures[label]?.cpuUsPerRequest.toFixed(1)} µs`)
        .join(', '),
  )
}
for (const t of targets) await t.server.close()

const summary: Record<string, unknown> = {}
const rows = []
for (const { label } of targets) {
  const cpu = turns.map((f) => f[label]?.cpuUsPerRequest ?? Number.NaN)
  const ratio = turns.map(
    (f) => (f.bare?.cpuUsPerRequest ?? Number.NaN) / (f[label]?.cpuUsPerRequest ?? Number.NaN),
  )
  const rps = turns.map((f) => f[label]?.rps ?? Number.NaN)
  const [lo, hi] = range(ratio)
  summary[label] = {
    cpuUsPerRequest: { median: median(cpu), range: range(cpu) },
    cpuRatioToBare: { median: median(ratio), range: range(ratio) },
    rps: { median: median(rps), range: range(rps) },
  }
  rows.push({
    app: label,
    'CPU µs/req': median(cpu).toFixed(1),
    'bare/app CPU': `${median(ratio).toFixed(3)} (${lo.toFixed(2)}–${hi.toFixed(2)})`,
    'req/s': median(rps).toFixed(0),
  })
}
console.table(rows)
writeResult('rs-cpu-paired', {
  seconds: SECONDS,
  connections: CONNECTIONS,
  baseline: process.env.BASELINE,
  turns,
  summary,
})
