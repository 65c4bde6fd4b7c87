/**
 * A flood against a resource server, before and after the flood guard, side by side in one run:
 * requests at a fixed rate with a distinct made-up token each, then without any token, against
 * the development AS over real HTTP on 127.0.0.1. Every call the RS makes to the AS is counted
 * (in the RS process, by endpoint), and the RS's memory is sampled. "Before" is the guard off
 * (`limits: false`): an introspection for every distinct token and a ticket for every request
 * (identical tickets in flight are still shared, which the RS has always done under
 * `limits: false`); "after" is the defaults (64 calls in flight, 200 a second, a burst of 400,
 * then 503 with Retry-After).
 * Run: pnpm --filter @uma-kit/bench flood  (after pnpm build); REQUESTS and RATE set the flood.
 */
import { fork } from 'node:child_process'
import { startTestServer } from '@uma-kit/dev-server/testing'
import { runLoad, type LoadResult } from './load.js'
import { writeResult } from './support.js'

const REQUESTS = Number(process.env.REQUESTS ?? 20_000)
const RATE = Number(process.env.RATE ?? 1000)
const CONNECTIONS = 50

const as = await startTestServer({ resources: [{ name: 'photo-1', resource_scopes: ['view'] }] })
const resourceId = as.resourceIds.get('photo-1') as string

interface Report {
  calls: Record<string, number>
  peakRss: number
  peakHeapUsed: number
}
async function startRs(limits: false | undefined) {
  const child = fork(new URL('./flood-rs.ts', import.meta.url).pathname, [], {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      FLOOD_RS: JSON.stringify({ rs: as.resourceServerOptions(), resourceId, limits }),
    },
  })
  const url = await new Promise<string>((resolve) => {
    child.once('message', (m: { url: string }) => resolve(m.url))
  })
  const report = () =>
    new Promise<Report>((resolve) => {
      child.once('message', (m: Report) => resolve(m))
      child.send({ report: true })
    })
  const close = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.send({ close: true })
    })
  return { url, report, close }
}

const path = (metadataKey: string) =>
  new URL(String((as.metadata as unknown as Record<string, unknown>)[metadataKey])).pathname

/** One flood on a fresh RS: the load's figures and the AS calls it caused. */
async function flood(limits: false | undefined, distinctTokens: boolean) {
  const rs = await startRs(limits)
  await rs.report() // start counting from here
  const load: LoadResult = await runLoad({
    url: rs.url,
    connections: CONNECTIONS,
    amount: REQUESTS,
    rate: RATE,
    distinctTokens,
  })
  const { calls, peakRss, peakHeapUsed } = await rs.report()
  await rs.close()
  const introspections = calls[path('introspection_endpoint')] ?? 0
  const tickets = calls[path('permission_endpoint')] ?? 0
  const total = Object.values(calls).reduce((a, b) => a + b, 0)
  return {
    requests: load.requests,
    seconds: load.seconds,
    statuses: load.statuses,
    errors: load.errors,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    asCalls: total,
    introspections,
    tickets,
    asCallsPerRequest: total / load.requests,
    asCallsPerSecond: total / load.seconds,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapUsedMiB: peakHeapUsed / 2 ** 20,
  }
}

const results: Record<string, Awaited<ReturnType<typeof flood>>> = {}
for (const [name, distinct] of [
  ['distinct garbage tokens', true],
  ['no token', false],
] as const) {
  for (const [label, limits] of [
    ['before (limits: false)', false],
    ['after (defaults)', undefined],
  ] as const) {
    const key = `${name}, ${label}`
    console.log(`flooding: ${key}, ${REQUESTS} requests at ${RATE}/s`)
    results[key] = await flood(limits, distinct)
  }
}
await as.close()
console.table(
  Object.entries(results).map(([key, r]) => ({
    flood: key,
    'AS calls': r.asCalls,
    'per request': r.asCallsPerRequest.toFixed(3),
    'per second': r.asCallsPerSecond.toFixed(0),
    introspections: r.introspections,
    tickets: r.tickets,
    statuses: Object.entries(r.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(' '),
    'p99 ms': r.p99Ms,
    'RSS MiB': r.peakRssMiB.toFixed(0),
    'heap MiB': r.peakHeapUsedMiB.toFixed(0),
  })),
)
writeResult('flood', { requests: REQUESTS, rate: RATE, connections: CONNECTIONS, results })
