/**
 * Server CPU per request and throughput of five Express apps in one run: a bare route, an async
 * no-op middleware, `requireUmaScope` on a cache hit, express-oauth2-jwt-bearer and
 * keycloak-connect's enforcer (the references, see `cpu-apps.ts`). The apps run in one server
 * process that counts its own CPU time around each turn; autocannon runs in a process of its
 * own. Turns of REQUESTS requests go round the apps, the order rotating each round, and each
 * app's figure is quoted against the bare route's of the same round: median and range.
 * Run: pnpm --filter @uma-kit/bench rs-cpu  (after pnpm build); PROFILE=1 writes a CPU profile
 * of the server process to bench/profiles/.
 */
import { fork } from 'node:child_process'
import { VARIANTS, type Variant } from './cpu-apps.js'
import { runLoad } from './load.js'
import { median, range } from './stats.js'
import { writeResult } from './support.js'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const REQUESTS = Number(process.env.REQUESTS ?? 20_000)
const CONNECTIONS = 10
const ONLY = process.env.ONLY?.split(',') as Variant[] | undefined
const variants =
  ONLY ?? VARIANTS.filter((v) => v !== 'requireUmaScope-baseline' || process.env.BASELINE)

interface Turn {
  cpuUs: number
  served: number
  rss: number
  heapUsed: number
  introspections: number
}
const profileArgs =
  process.env.PROFILE === '1'
    ? ['--cpu-prof', '--cpu-prof-dir', new URL('./profiles', import.meta.url).pathname]
    : []
const server = fork(new URL('./cpu-server.ts', import.meta.url).pathname, [], {
  execArgv: [...process.execArgv, ...profileArgs],
})
const apps = await new Promise<Record<Variant, { url: string; headers: Record<string, string> }>>(
  (resolve) => {
    server.once(
      'message',
      (m: { ready: Record<Variant, { url: string; headers: Record<string, string> }> }) =>
        resolve(m.ready),
    )
  },
)
function ask(message: object): Promise<Turn> {
  return new Promise((resolve) => {
    server.once('message', (m: { turn: Turn }) => resolve(m.turn))
    server.send(message)
  })
}

async function turn(variant: Variant, requests: number) {
  const { url, headers } = apps[variant]
  server.send({ begin: variant })
  const load = await runLoad({ url, headers, connections: CONNECTIONS, amount: requests })
  const t = await ask({ end: variant })
  if (load.non2xx > 0 || load.errors > 0)
    throw new Error(`${variant}: failed requests ${JSON.stringify(load)}`)
  return {
    cpuUsPerRequest: t.cpuUs / t.served,
    rps: load.rps,
    served: t.served,
    rss: t.rss,
    introspections: t.introspections,
  }
}

// warm-up: every app serves a turn before anything is counted
for (const variant of variants) await turn(variant, Math.min(REQUESTS, 10_000))
const rounds: Record<string, { cpuUsPerRequest: number; rps: number }>[] = []
for (let round = 0; round < ROUNDS; round++) {
  const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant)
  const figures: Record<string, { cpuUsPerRequest: number; rps: number }> = {}
  for (const variant of order) {
    const t = await turn(variant, REQUESTS)
    figures[variant] = { cpuUsPerRequest: t.cpuUsPerRequest, rps: t.rps }
  }
  rounds.push(figures)
  console.log(
    `round ${round + 1}: ` +
      variants
        .map(
          (v) =>
            `${v} ${figures[v]?.cpuUsPerRequest.toFixed(1)} µs ${figures[v]?.rps.toFixed(0)}/s`,
        )
        .join(', '),
  )
}
const last = await ask({ end: variants[0] as Variant })
server.send({ close: true })
await new Promise((resolve) => server.once('exit', resolve))

const summary: Record<string, unknown> = {}
const rows = []
for (const v of variants) {
  const cpu = rounds.map((r) => r[v]?.cpuUsPerRequest ?? Number.NaN)
  const rps = rounds.map((r) => r[v]?.rps ?? Number.NaN)
  // per round, bare's CPU over this app's (a speed ratio: 1 is as cheap as bare), and req/s over bare's
  const cpuRatio = rounds.map(
    (r) => (r.bare?.cpuUsPerRequest ?? Number.NaN) / (r[v]?.cpuUsPerRequest ?? Number.NaN),
  )
  const rpsRatio = rounds.map((r) => (r[v]?.rps ?? Number.NaN) / (r.bare?.rps ?? Number.NaN))
  summary[v] = {
    cpuUsPerRequest: { median: median(cpu), range: range(cpu) },
    rps: { median: median(rps), range: range(rps) },
    cpuRatioToBare: { median: median(cpuRatio), range: range(cpuRatio) },
    rpsRatioToBare: { median: median(rpsRatio), range: range(rpsRatio) },
  }
  const [cLo, cHi] = range(cpu)
  const [qLo, qHi] = range(cpuRatio)
  const [pLo, pHi] = range(rpsRatio)
  rows.push({
    app: v,
    'CPU µs/req': `${median(cpu).toFixed(1)} (${cLo.toFixed(0)}–${cHi.toFixed(0)})`,
    'bare/app CPU': `${median(cpuRatio).toFixed(3)} (${qLo.toFixed(2)}–${qHi.toFixed(2)})`,
    'req/s': median(rps).toFixed(0),
    'app/bare req/s': `${median(rpsRatio).toFixed(3)} (${pLo.toFixed(2)}–${pHi.toFixed(2)})`,
  })
}
console.table(rows)
console.log(`introspections in the whole run: ${last.introspections}`)
writeResult('rs-cpu', {
  requestsPerTurn: REQUESTS,
  connections: CONNECTIONS,
  rounds,
  summary,
  introspections: last.introspections,
})
