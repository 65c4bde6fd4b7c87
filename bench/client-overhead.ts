/**
 * What `createUmaFetch` costs on requests that need no UMA step: a local server answering 200,
 * fetched with plain `fetch` and with `umaFetch` in alternating turns in one run (10 requests in
 * flight each), the median of the per-pair ratios; and the number of requests each call makes,
 * without an RPT and with a cached one (exactly one). The measured client holds no RPT for the
 * server: one that does sends an extra header, and plain fetch would have to send it too.
 * Run: pnpm --filter @uma-kit/bench client-overhead  (after pnpm build)
 */
import { spawn } from 'node:child_process'
import { createUmaFetch } from '@uma-kit/client'
import { writeResult } from './support.js'

const PAIRS = Number(process.env.PAIRS ?? 21)
const SECONDS = Number(process.env.SECONDS ?? 2)
const IN_FLIGHT = 10

// the server runs in its own process, so the client's event loop and CPU are its own
const SERVER = `
const { createServer } = require('node:http')
let hits = 0
let base = ''
const server = createServer((req, res) => {
  hits++
  if (req.url === '/hits') return res.end(String(hits))
  if (req.url === '/reset') { hits = 0; return res.end('0') }
  if (req.url === '/protected' && req.headers.authorization !== 'Bearer bench-rpt') {
    res.writeHead(401, { 'www-authenticate': 'UMA as_uri="' + base + '", ticket="t"' }).end()
    return
  }
  if (req.url === '/.well-known/uma2-configuration') {
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ issuer: base, token_endpoint: base + '/token' }))
  }
  if (req.url === '/token') {
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ access_token: 'bench-rpt', token_type: 'Bearer', expires_in: 3600 }))
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
})
server.listen(0, '127.0.0.1', () => {
  base = 'http://127.0.0.1:' + server.address().port
  process.stdout.write(base + '\\n')
})
`
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
const base = await new Promise<string>((resolve) => {
  child.stdout.setEncoding('utf8')
  child.stdout.once('data', (line: string) => resolve(line.trim()))
})
/** Requests the server has seen since the last reset (those two calls not counted). */
async function serverHits(reset = false): Promise<number> {
  const res = await fetch(`${base}/${reset ? 'reset' : 'hits'}`)
  return Number(await res.text()) - (reset ? 0 : 1)
}
const options = { trustedIssuers: [base], clientId: 'bench', clientSecret: 'secret' }
// one client to count requests per call (it ends up holding an RPT for the server), and one
// that holds none, for the overhead on a response that needs no UMA step
const countingFetch = createUmaFetch(options)
const umaFetch = createUmaFetch(options)

/** Requests per second of `doFetch` on `/open`, with IN_FLIGHT loops for SECONDS. */
/** Requests per second, and the client process's CPU time per request (steadier on a busy machine). */
async function measure(doFetch: typeof fetch): Promise<{ rps: number; cpuUs: number }> {
  const cpu = process.cpuUsage()
  const until = performance.now() + SECONDS * 1000
  let done = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        const res = await doFetch(`${base}/open`)
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`status ${res.status}`)
        done++
      }
    }),
  )
  const used = process.cpuUsage(cpu)
  return { rps: done / SECONDS, cpuUs: (used.user + used.system) / done }
}

// requests per call: none needed, then a cached RPT
await serverHits(true)
await (await countingFetch(`${base}/open`)).arrayBuffer()
const noTokenRequests = await serverHits()
await (await countingFetch(`${base}/protected`)).arrayBuffer()
await serverHits(true)
await (await countingFetch(`${base}/protected`)).arrayBuffer()
const cachedRptRequests = await serverHits()
console.log(
  `requests for a call that needs no token: ${noTokenRequests}; with a cached RPT: ${cachedRptRequests}`,
)

await measure(fetch)
await measure(umaFetch)
const pairs: {
  fetchRps: number
  umaFetchRps: number
  ratio: number
  fetchCpuUs: number
  umaFetchCpuUs: number
}[] = []
for (let i = 0; i < PAIRS; i++) {
  const plainFirst = i % 2 === 0
  const a = await measure(plainFirst ? fetch : umaFetch)
  const b = await measure(plainFirst ? umaFetch : fetch)
  const plain = plainFirst ? a : b
  const uma = plainFirst ? b : a
  pairs.push({
    fetchRps: plain.rps,
    umaFetchRps: uma.rps,
    ratio: uma.rps / plain.rps,
    fetchCpuUs: plain.cpuUs,
    umaFetchCpuUs: uma.cpuUs,
  })
  console.log(
    `pair ${i + 1}: fetch ${plain.rps.toFixed(0)} req/s (${plain.cpuUs.toFixed(0)} µs CPU/req), ` +
      `umaFetch ${uma.rps.toFixed(0)} req/s (${uma.cpuUs.toFixed(0)} µs CPU/req), ratio ${(uma.rps / plain.rps).toFixed(3)}`,
  )
}
child.kill()
const ratios = pairs.map((p) => p.ratio).sort((x, y) => x - y)
const median = ratios[PAIRS >> 1] ?? Number.NaN
const extraCpu = pairs.map((p) => p.umaFetchCpuUs - p.fetchCpuUs).sort((x, y) => x - y)
const medianExtraCpuUs = extraCpu[PAIRS >> 1] ?? Number.NaN
console.log(`median extra client CPU per request: ${medianExtraCpuUs.toFixed(1)} µs`)
console.log(`median umaFetch/fetch ratio: ${median.toFixed(3)} (bound: at least 0.95)`)
writeResult('client-overhead', {
  inFlight: IN_FLIGHT,
  seconds: SECONDS,
  noTokenRequests,
  cachedRptRequests,
  pairs,
  medianRatio: median,
  medianExtraCpuUs,
})
process.exitCode = median >= 0.95 && noTokenRequests === 1 && cachedRptRequests === 1 ? 0 : 1
