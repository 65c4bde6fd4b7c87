/**
 * Server CPU per request and throughput of five Express apps in one run: a bare route, an async
 * no-op middleware, `requireUmaScope` on a cache hit, express-oauth2-jwt-bearer and
 * keycloak-connect's enforcer (the references, see `cpu-apps.ts`). The apps run in one server
 * process that counts its own CPU time around each turn; autocannon runs in a process of its
 * own. Turns of REQUESTS requests go round the apps, the order rotating each round, and each
 * app's figure is quoted against the bare route's of the same round: median, range, and the
 * ratio of the smallest CPU figures (load on the machine only ever adds to them).
 * Run: pnpm --filter @uma-kit/bench rs-cpu  (after pnpm build). ONLY=bare,requireUmaScope
 * limits the apps; BASELINE=<another build's dist/index.js> adds a second server process with
 * that build's bare and guarded routes (an A/B in one run); PROFILE=1 writes CPU profiles of the
 * server processes to bench/profiles/.
 */
import { VARIANTS, type Variant } from './cpu-apps.js'
import { startCpuServer, type CpuServer } from './cpu-servers.js'
import { runLoad } from './load.js'
import { median, range } from './stats.js'
import { writeResult } from './support.js'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const REQUESTS = Number(process.env.REQUESTS ?? 20_000)
const CONNECTIONS = 10
const variants = (process.env.ONLY?.split(',') as Variant[] | undefined) ?? [...VARIANTS]
const profileDir =
  process.env.PROFILE === '1' ? new URL('./profiles', import.meta.url).pathname : undefined

/** A labelled app: `requireUmaScope`, or `baseline:requireUmaScope` in the BASELINE process. */
interface Target {
  readonly label: string
  readonly server: CpuServer
  readonly variant: Variant
}
const main = await startCpuServer({ ONLY: variants.join(','), BUILD: undefined }, profileDir)
const targets: Target[] = variants.map((variant) => ({ label: variant, server: main, variant }))
const servers = [main]
if (process.env.BASELINE !== undefined) {
  const other = await startCpuServer(
    { ONLY: 'bare,requireUmaScope', BUILD: process.env.BASELINE },
    profileDir,
  )
  servers.push(other)
  for (const variant of ['bare', 'requireUmaScope'] as const) {
    targets.push({ label: `baseline:${variant}`, server: other, variant })
  }
}

async function turn({ label, server, variant }: Target, requests: number) {
  const { url, headers } = server.apps[variant]
  server.begin(variant)
  const load = await runLoad({ url, headers, connections: CONNECTIONS, amount: requests })
  const counted = await server.end(variant)
  if (load.non2xx > 0 || load.errors > 0) {
    throw new Error(`${label}: failed requests ${JSON.stringify(load)}`)
  }
  return { cpuUsPerRequest: counted.cpuUs / counted.served, rps: counted.rps }
}

// warm-up: every app serves a turn before anything is counted
for (const target of targets) await turn(target, Math.min(REQUESTS, 10_000))
const rounds: Record<string, { cpuUsPerRequest: number; rps: number }>[] = []
for (let round = 0; round < ROUNDS; round++) {
  const figures: Record<string, { cpuUsPerRequest: number; rps: number }> = {}
  for (let i = 0; i < targets.length; i++) {
    const target = targets[(i + round) % targets.length] as Target
    figures[target.label] = await turn(target, REQUESTS)
  }
  rounds.push(figures)
  console.log(
    `round ${round + 1}: ` +
      targets
        .map(({ label }) => {
          const f = figures[label]
          return `${label} ${f?.cpuUsPerRequest.toFixed(1)} µs ${f?.rps.toFixed(0)}/s`
        })
        .join(', '),
  )
}
const introspections = (await main.end(variants[0] as Variant)).introspections
for (const server of servers) await server.close()

const fig = (r: (typeof rounds)[number], label: string) =>
  r[label] ?? { cpuUsPerRequest: Number.NaN, rps: Number.NaN }
const summary: Record<string, unknown> = {}
const rows = []
for (const { label } of targets) {
  const bareLabel = label.startsWith('baseline:') ? 'baseline:bare' : 'bare'
  const cpu = rounds.map((r) => fig(r, label).cpuUsPerRequest)
  const bareCpu = rounds.map((r) => fig(r, bareLabel).cpuUsPerRequest)
  const rps = rounds.map((r) => fig(r, label).rps)
  // per round: bare's CPU over this app's (1: as cheap as bare), this app's req/s over bare's
  const cpuRatio = rounds.map(
    (r) => fig(r, bareLabel).cpuUsPerRequest / fig(r, label).cpuUsPerRequest,
  )
  const rpsRatio = rounds.map((r) => fig(r, label).rps / fig(r, bareLabel).rps)
  const bestRatio = Math.min(...bareCpu) / Math.min(...cpu)
  summary[label] = {
    cpuUsPerRequest: { median: median(cpu), range: range(cpu) },
    rps: { median: median(rps), range: range(rps) },
    cpuRatioToBare: { median: median(cpuRatio), range: range(cpuRatio), ofMinima: bestRatio },
    rpsRatioToBare: { median: median(rpsRatio), range: range(rpsRatio) },
  }
  const [cLo, cHi] = range(cpu)
  const [qLo, qHi] = range(cpuRatio)
  const [pLo, pHi] = range(rpsRatio)
  rows.push({
    app: label,
    'CPU µs/req': `${median(cpu).toFixed(1)} (${cLo.toFixed(0)}–${cHi.toFixed(0)})`,
    'bare/app CPU': `${median(cpuRatio).toFixed(3)} (${qLo.toFixed(2)}–${qHi.toFixed(2)})`,
    'of minima': bestRatio.toFixed(3),
    'req/s': median(rps).toFixed(0),
    'app/bare req/s': `${median(rpsRatio).toFixed(3)} (${pLo.toFixed(2)}–${pHi.toFixed(2)})`,
  })
}
console.table(rows)
console.log(`introspections in the whole run: ${introspections}`)
writeResult('rs-cpu', {
  requestsPerTurn: REQUESTS,
  connections: CONNECTIONS,
  baseline: process.env.BASELINE,
  rounds,
  summary,
  introspections,
})
