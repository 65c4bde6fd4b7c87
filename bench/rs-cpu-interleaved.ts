/**
 * Server CPU per request of a bare route, a plain no-op middleware and `requireUmaScope` on a
 * cache hit (with the token its connection sent last, and alternating two tokens on each
 * connection, as behind a proxy that mixes clients), all in one server process and loaded in the same seconds (one autocannon instance
 * each, from a load process of its own), so that whatever slows the machine in a given second
 * slows every app alike. Sequential turns (`rs-cpu`) are at the mercy of the second they run
 * in: on a shared VM a bare route's turns vary by a third. Here each request's listener is
 * timed where it runs (see `cpu-interleaved-server.ts`) and the process's CPU outside the
 * listeners, the same work for every app (the requests are alike, the guarded one's header
 * included), is shared out per request:
 *   CPU per request of an app = its mean time inside the listener + the outside share.
 * One bias, against nothing: a garbage collection is charged to the listener that happened to
 * allocate when it came, whichever app made the garbage; on a hit the guard allocates two
 * short strings (the token's slice and its hash) against the kilobytes Express allocates for
 * any request, so it takes about its own share.
 * Run: pnpm --filter @uma-kit/bench rs-cpu-interleaved  (after pnpm build). TURNS, SECONDS;
 * BUILD=<another build's dist/index.js> guards with that build instead (an A/B across runs).
 */
import { fork } from 'node:child_process'
import { INTERLEAVED } from './cpu-apps.js'
import type { InterleavedTurn } from './cpu-interleaved-server.js'
import { runLoads } from './load.js'
import { median, range } from './stats.js'
import { writeResult } from './support.js'

const TURNS = Number(process.env.TURNS ?? 20)
const SECONDS = Number(process.env.SECONDS ?? 3)
const CONNECTIONS = 4

const child = fork(new URL('./cpu-interleaved-server.ts', import.meta.url).pathname, [], {
  execArgv: process.execArgv,
  env: process.env,
})
// a failed run must not leave the server process behind
process.on('exit', () => child.kill())
type Apps = Record<
  string,
  { url: string; headers: Record<string, string>; alternate?: Record<string, string>[] }
>
const apps = await new Promise<Apps>((resolve, reject) => {
  child.once('message', (m: { ready: Apps }) => resolve(m.ready))
  child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)))
})
const counted = () =>
  new Promise<InterleavedTurn>((resolve) => {
    child.once('message', (m: { turn: InterleavedTurn }) => resolve(m.turn))
    child.send({ end: true })
  })

interface Figures {
  /** Microseconds inside the listener, per request. */
  insideUs: number
  /** The listener's time plus the outside share: server CPU per request. */
  cpuUs: number
  rps: number
}

async function turn(
  seconds: number,
  warmUp = false,
): Promise<Record<string, Figures> & { outsideUs: number }> {
  child.send({ begin: true })
  const loads = await runLoads(
    INTERLEAVED.map((variant) => {
      const app = apps[variant]
      return {
        url: app?.url ?? '',
        headers: app?.headers ?? {},
        ...(app?.alternate === undefined ? {} : { alternateHeaders: app.alternate }),
        connections: CONNECTIONS,
        seconds,
      }
    }),
  )
  const { cpuUs, apps: counts } = await counted()
  let served = 0
  let insideUs = 0
  for (const [i, variant] of INTERLEAVED.entries()) {
    const count = counts[variant]
    const load = loads[i]
    if (count === undefined || load === undefined) throw new Error(`${variant}: no figures`)
    // in the warm-up, the RPT's first check answers after the listener returned
    if (load.non2xx > 0 || load.errors > 0 || (count.unanswered > 0 && !warmUp)) {
      throw new Error(
        `${variant}: failed or unanswered requests ${JSON.stringify({ load, count })}`,
      )
    }
    served += count.served
    insideUs += count.insideMs * 1000
  }
  const outsideUs = (cpuUs - insideUs) / served
  const figures: Record<string, Figures> = {}
  for (const [i, variant] of INTERLEAVED.entries()) {
    const count = counts[variant] ?? { served: 0, insideMs: 0 }
    const inside = (count.insideMs * 1000) / count.served
    figures[variant] = { insideUs: inside, cpuUs: inside + outsideUs, rps: loads[i]?.rps ?? 0 }
  }
  return Object.assign(figures, { outsideUs })
}

await turn(3, true) // warm-up: the first check of the RPT, and the JIT
const turns: Awaited<ReturnType<typeof turn>>[] = []
for (let i = 0; i < TURNS; i++) {
  const figures = await turn(SECONDS)
  turns.push(figures)
  console.log(
    `turn ${i + 1}: outside ${figures.outsideUs.toFixed(1)} µs; ` +
      INTERLEAVED.map(
        (v) =>
          `${v} ${figures[v]?.insideUs.toFixed(1)} + outside = ${figures[v]?.cpuUs.toFixed(1)} µs`,
      ).join(', '),
  )
}
await new Promise<void>((resolve) => {
  child.once('exit', () => resolve())
  child.send({ close: true })
})

const summary: Record<string, unknown> = {}
const rows = []
for (const variant of INTERLEAVED) {
  const at = (t: (typeof turns)[number]) => t[variant] ?? { insideUs: NaN, cpuUs: NaN, rps: NaN }
  const inside = turns.map((t) => at(t).insideUs)
  const cpu = turns.map((t) => at(t).cpuUs)
  const extra = turns.map((t) => at(t).insideUs - (t.bare?.insideUs ?? NaN))
  const ratio = turns.map((t) => (t.bare?.cpuUs ?? NaN) / at(t).cpuUs)
  const [lo, hi] = range(ratio)
  const [eLo, eHi] = range(extra)
  summary[variant] = {
    insideUsPerRequest: { median: median(inside), range: range(inside) },
    cpuUsPerRequest: { median: median(cpu), range: range(cpu) },
    extraUsOverBare: { median: median(extra), range: range(extra) },
    cpuRatioToBare: { median: median(ratio), range: range(ratio) },
  }
  rows.push({
    app: variant,
    'in listener µs': median(inside).toFixed(1),
    'over bare µs': `${median(extra).toFixed(2)} (${eLo.toFixed(1)}–${eHi.toFixed(1)})`,
    'CPU µs/req': median(cpu).toFixed(1),
    'bare/app CPU': `${median(ratio).toFixed(3)} (${lo.toFixed(3)}–${hi.toFixed(3)})`,
  })
}
const outside = turns.map((t) => t.outsideUs)
console.table(rows)
console.log(
  `outside the listeners: ${median(outside).toFixed(1)} µs per request (${range(outside)
    .map((x) => x.toFixed(0))
    .join('–')})`,
)
writeResult('rs-cpu-interleaved', {
  build: process.env.BUILD,
  seconds: SECONDS,
  connectionsPerApp: CONNECTIONS,
  turns,
  summary,
  outsideUsPerRequest: { median: median(outside), range: range(outside) },
})
