/**
 * An Express route behind `requireUmaScope` with a cached RPT, against the same route without
 * it, over HTTP: autocannon in a separate process, the two in alternating turns, the median of
 * the per-pair ratios. The AS is in memory behind the `fetch` option, so after the first
 * request every guarded request is a cache hit, as in a busy RS.
 * Run: pnpm --filter @uma-kit/bench rs-http  (after pnpm build)
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { BENCH_RPT as RPT, createBenchResourceServer, writeResult } from './support.js'
import { runLoad } from './load.js'

const PAIRS = Number(process.env.PAIRS ?? 7)
const SECONDS = Number(process.env.SECONDS ?? 4)
const CONNECTIONS = 10

const { rs, introspections } = createBenchResourceServer()
const app = express()
const photo: express.RequestHandler = (req, res) => {
  res.json({ id: req.params.id, title: 'photo.jpg' })
}
app.get('/open/:id', photo)
app.get('/guarded/:id', rs.requireUmaScope('view', { resource: () => 'photo-1' }), photo)
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const headers = { authorization: `Bearer ${RPT}` }

let served = 0
server.on('request', () => served++)
/** One load turn; also the server's CPU time per request, which the load generator's share of the cores disturbs less than req/s. */
async function run(path: string) {
  served = 0
  const cpu = process.cpuUsage()
  const result = await runLoad({
    url: `${base}${path}`,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers,
  })
  const used = process.cpuUsage(cpu)
  return { ...result, cpuUsPerRequest: (used.user + used.system) / served }
}
await run('/open/1') // warm up both
await run('/guarded/1')
const pairs: {
  openRps: number
  guardedRps: number
  ratio: number
  openCpuUs: number
  guardedCpuUs: number
}[] = []
for (let i = 0; i < PAIRS; i++) {
  // alternate which goes first, so drift in the machine's load does not favour one side
  const first = i % 2 === 0 ? '/open/1' : '/guarded/1'
  const second = i % 2 === 0 ? '/guarded/1' : '/open/1'
  const a = await run(first)
  const b = await run(second)
  for (const r of [a, b]) {
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`failed requests: ${JSON.stringify(r)}`)
  }
  const open = i % 2 === 0 ? a : b
  const guarded = i % 2 === 0 ? b : a
  pairs.push({
    openRps: open.rps,
    guardedRps: guarded.rps,
    ratio: guarded.rps / open.rps,
    openCpuUs: open.cpuUsPerRequest,
    guardedCpuUs: guarded.cpuUsPerRequest,
  })
  console.log(
    `pair ${i + 1}: open ${open.rps.toFixed(0)} req/s (${open.cpuUsPerRequest.toFixed(0)} µs CPU/req), ` +
      `guarded ${guarded.rps.toFixed(0)} req/s (${guarded.cpuUsPerRequest.toFixed(0)} µs CPU/req), ` +
      `ratio ${(guarded.rps / open.rps).toFixed(3)}`,
  )
}
server.closeAllConnections()
server.close()
await rs.close()
const ratios = pairs.map((p) => p.ratio).sort((x, y) => x - y)
const median = ratios[PAIRS >> 1] ?? Number.NaN
const cpuDelta = pairs.map((p) => p.guardedCpuUs - p.openCpuUs).sort((x, y) => x - y)
console.log(`introspections: ${introspections()}`)
console.log(
  `median extra server CPU per guarded request: ${(cpuDelta[PAIRS >> 1] ?? Number.NaN).toFixed(1)} µs`,
)
console.log(`median guarded/open ratio: ${median.toFixed(3)} (bound: at least 0.95)`)
writeResult('rs-http', {
  connections: CONNECTIONS,
  seconds: SECONDS,
  introspections: introspections(),
  pairs,
  medianRatio: median,
  medianExtraCpuUs: cpuDelta[PAIRS >> 1],
})
process.exitCode = median >= 0.95 && introspections() === 1 ? 0 : 1
