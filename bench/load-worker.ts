/**
 * The load generator, run in a process of its own by `load.ts`: autocannon with one JSON
 * argument (a {@link LoadSpec}, or several run at once), printing the summary (or summaries) as
 * one JSON line. Its own process keeps its
 * CPU out of what the server process measures about itself.
 */
import autocannon from 'autocannon'
import type { LoadSpec, LoadResult } from './load.js'

let n = 0
const prefix = `garbage-${process.pid}-${Date.now().toString(36)}-`

async function run(spec: LoadSpec): Promise<LoadResult> {
  const started = performance.now()
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount === undefined ? { duration: spec.seconds ?? 4 } : { amount: spec.amount }),
    ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
    headers: spec.headers ?? {},
    // each connection goes round these header sets, one request each
    ...(spec.alternateHeaders === undefined
      ? {}
      : { requests: spec.alternateHeaders.map((headers) => ({ headers: { ...headers } })) }),
    // a distinct token on every request: what a flood of made-up tokens looks like
    ...(spec.distinctTokens === true
      ? {
          requests: [
            {
              setupRequest: (request) => {
                request.headers = { ...request.headers, authorization: `Bearer ${prefix}${n++}` }
                return request
              },
            },
          ],
        }
      : {}),
  })
  // autocannon's own duration counts whole seconds: 20 000 requests in 3.4 s read as 3 or 4 s
  const seconds = (performance.now() - started) / 1000
  const statuses: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stat.count ?? 0
  }
  const summary: LoadResult = {
    // the mean over the run, by the wall clock: autocannon's per-second figures are coarse
    rps: result.requests.total / seconds,
    requests: result.requests.total,
    seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
  }
  return summary
}

// one spec, or several run at once (each its own autocannon instance, in this one process)
const input = JSON.parse(process.argv[2] ?? '{}') as LoadSpec | LoadSpec[]
const output = Array.isArray(input) ? await Promise.all(input.map(run)) : await run(input)
process.stdout.write(`${JSON.stringify(output)}\n`)
