/**
 * What `createUmaFetch` costs on requests that need no UMA step: a local server answering 200,
 * fetched with plain `fetch` and with `umaFetch` in alternating turns in one run (10 requests in
 * flight each), the median of the per-pair ratios; and the number of requests each call makes,
 * without an RPT and with a cached one (exactly one). The measured client holds no RPT for the
 * server: one that does sends an extra header, and plain fetch would have to send it too.
 * Run: pnpm --filter @uma-kit/bench client-overhead  (after pnpm build)
 */
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus } from 'node:os'
import { createUmaFetch } from '@uma-kit/client'

const PAIRS = Number(process.env.PAIRS ?? 7)
const SECONDS = Number(process.env.SECONDS ?? 3)
const IN_FLIGHT = 10

let hits = 0
let granted = false
const server = createServer((req, res) => {
  hits++
  // the one protected path: a UMA challenge until the token endpoint below has been used
  if (req.url === '/protected' && req.headers.authorization !== 'Bearer bench-rpt') {
    res.writeHead(401, { 'www-authenticate': `UMA as_uri="${base}", ticket="t"` }).end()
    return
  }
  if (req.url === '/.well-known/uma2-configuration') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }))
    return
  }
  if (req.url === '/token') {
    granted = true
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ access_token: 'bench-rpt', token_type: 'Bearer', expires_in: 3600 }))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
})
server.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const options = { trustedIssuers: [base], clientId: 'bench', clientSecret: 'secret' }
// one client to count requests per call (it ends up holding an RPT for the server), and one
// that holds none, for the overhead on a response that needs no UMA step
const countingFetch = createUmaFetch(options)
const umaFetch = createUmaFetch(options)

/** Requests per second of `doFetch` on `/open`, with IN_FLIGHT loops for SECONDS. */
async function measure(doFetch: typeof fetch): Promise<number> {
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
  return done / SECONDS
}

// requests per call: none needed, then a cached RPT
hits = 0
await (await countingFetch(`${base}/open`)).arrayBuffer()
const noTokenRequests = hits
await (await countingFetch(`${base}/protected`)).arrayBuffer()
hits = 0
await (await countingFetch(`${base}/protected`)).arrayBuffer()
const cachedRptRequests = hits
console.log(
  `requests for a call that needs no token: ${noTokenRequests}; with a cached RPT: ${cachedRptRequests} (granted: ${granted})`,
)

await measure(fetch)
await measure(umaFetch)
const pairs: { fetchRps: number; umaFetchRps: number; ratio: number }[] = []
for (let i = 0; i < PAIRS; i++) {
  const plainFirst = i % 2 === 0
  const a = await measure(plainFirst ? fetch : umaFetch)
  const b = await measure(plainFirst ? umaFetch : fetch)
  const fetchRps = plainFirst ? a : b
  const umaFetchRps = plainFirst ? b : a
  pairs.push({ fetchRps, umaFetchRps, ratio: umaFetchRps / fetchRps })
  console.log(
    `pair ${i + 1}: fetch ${fetchRps.toFixed(0)} req/s, umaFetch ${umaFetchRps.toFixed(0)} req/s, ratio ${(umaFetchRps / fetchRps).toFixed(3)}`,
  )
}
server.closeAllConnections()
server.close()
const ratios = pairs.map((p) => p.ratio).sort((x, y) => x - y)
const median = ratios[PAIRS >> 1] ?? Number.NaN
console.log(`median umaFetch/fetch ratio: ${median.toFixed(3)} (bound: at least 0.95)`)
const result = {
  bench: 'client-overhead',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  inFlight: IN_FLIGHT,
  seconds: SECONDS,
  noTokenRequests,
  cachedRptRequests,
  pairs,
  medianRatio: median,
}
writeFileSync(
  new URL(`./results/${result.date.slice(0, 10)}-client-overhead.json`, import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
)
process.exitCode = median >= 0.95 && noTokenRequests === 1 && cachedRptRequests === 1 ? 0 : 1
