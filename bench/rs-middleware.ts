/**
 * The cache-hit path of `requireUmaScope`, in process: the middleware called directly with a
 * prepared request and response, against a no-op middleware called the same way. The RPT is
 * introspected once (by an in-memory AS behind the `fetch` option) and served from the cache
 * after that. Run: pnpm --filter @uma-kit/bench rs-middleware  (after pnpm build)
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { createResourceServer } from '@uma-kit/resource-server'

const ITERATIONS = Number(process.env.ITERATIONS ?? 1_000_000)
const ROUNDS = 5
const ISSUER = 'https://as.example'
// as long as a typical JWT RPT: hashing it is part of the cost
const RPT = `eyJ${'x'.repeat(700)}`

let introspections = 0
const asFetch: typeof fetch = (input) => {
  const url = String(input instanceof Request ? input.url : input)
  const json = (body: unknown) =>
    Promise.resolve(Response.json(body, { headers: { 'content-type': 'application/json' } }))
  if (url.endsWith('/.well-known/uma2-configuration')) {
    return json({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      introspection_endpoint: `${ISSUER}/introspect`,
      permission_endpoint: `${ISSUER}/permission`,
    })
  }
  if (url.endsWith('/introspect')) {
    introspections++
    return json({
      active: true,
      exp: Math.floor(Date.now() / 1000) + 3600,
      permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
    })
  }
  return Promise.resolve(new Response(null, { status: 404 }))
}

const rs = createResourceServer({
  issuer: ISSUER,
  clientId: 'photo-rs',
  clientSecret: 'secret',
  fetch: asFetch,
  cache: { maxTtlSeconds: 3600 },
})
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
console.log(`introspections: ${introspections} for ${(ROUNDS + 3) * ITERATIONS} guarded calls`)
console.log(
  `median overhead of the cache-hit path: ${median.toFixed(0)} ns per request (bound: 2000 ns)`,
)
const result = {
  bench: 'rs-middleware',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  iterations: ITERATIONS,
  introspections,
  rounds,
  medianOverheadNs: median,
}
writeFileSync(
  new URL(`./results/${result.date.slice(0, 10)}-rs-middleware.json`, import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
)
process.exitCode = median <= 2000 && introspections === 1 ? 0 : 1
