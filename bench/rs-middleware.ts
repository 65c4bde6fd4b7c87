/**
 * The cache-hit path of `requireUmaScope`, in process: the middleware called directly with a
 * prepared request and response, against a no-op middleware called the same way. The RPT is
 * introspected once (by an in-memory AS behind the `fetch` option) and served from the cache
 * after that. Run: pnpm --filter @uma-kit/bench rs-middleware  (after pnpm build)
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { BENCH_RPT as RPT, createBenchResourceServer, writeResult } from './support.js'

const ITERATIONS = Number(process.env.ITERATIONS ?? 1_000_000)
const ROUNDS = 5

const { rs, introspections } = createBenchResourceServer()
const guard = rs.requireUmaScope('view', { resource: () => 'photo-1' })
const noop: RequestHandler = (_req, _res, next) => {
  next()
}

const req = { headers: { authorization: `Bearer ${RPT}` }, params: {} } as unknown as Request
// a cache hit never touches the response
const res = {} as unknown as Response

/** Calls a middleware ITERATIONS times, one after the other, each awaited until `next()`. */
async function time(handler: RequestHandler): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) {
    await new Promise<void>((resolve, reject) => {
      const next: NextFunction = (err?: unknown) => {
        if (err === undefined) resolve()
        else reject(err instanceof Error ? err : new Error('next() was called with a value'))
      }
      void handler(req, res, next)
    })
  }
  return Number(process.hrtime.bigint() - start) / ITERATIONS
}

// warm up: the first call introspects, the rest hit the cache; let the JIT settle
for (let i = 0; i < 3; i++) {
  await time(noop)
  await time(guard)
}
const rounds: { noopNs: number; guardNs: number }[] = []
for (let round = 0; round < ROUNDS; round++) {
  const noopNs = await time(noop)
  const guardNs = await time(guard)
  rounds.push({ noopNs, guardNs })
}
await rs.close()
const overheads = rounds.map((r) => r.guardNs - r.noopNs).sort((a, b) => a - b)
const median = overheads[ROUNDS >> 1] ?? Number.NaN
console.table(
  rounds.map((r) => ({
    'no-op ns/op': r.noopNs.toFixed(0),
    'requireUmaScope ns/op': r.guardNs.toFixed(0),
    'overhead ns': (r.guardNs - r.noopNs).toFixed(0),
  })),
)
console.log(`introspections: ${introspections()} for ${(ROUNDS + 3) * ITERATIONS} guarded calls`)
console.log(
  `median overhead of the cache-hit path: ${median.toFixed(0)} ns per request (bound: 2000 ns)`,
)
writeResult('rs-middleware', {
  iterations: ITERATIONS,
  introspections: introspections(),
  rounds,
  medianOverheadNs: median,
})
process.exitCode = median <= 2000 && introspections() === 1 ? 0 : 1
