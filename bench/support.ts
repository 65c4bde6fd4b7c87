/**
 * What the benchmarks share: an AS in memory behind the resource server's `fetch` option, and
 * the writing of results with the machine they were measured on.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'

/** The issuer of the in-memory AS. */
export const MEMORY_ISSUER = 'https://as.example'

/**
 * An AS in memory: discovery, and introspection that calls every token active with `view` on
 * `photo-1` for an hour.
 *
 * @returns the `fetch` to give the RS, and how many introspections it answered
 */
export function createMemoryAs(): { fetch: typeof fetch; introspections: () => number } {
  let introspections = 0
  const asFetch: typeof fetch = (input) => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input
    if (url.endsWith('/.well-known/uma2-configuration')) {
      return Promise.resolve(
        Response.json({
          issuer: MEMORY_ISSUER,
          token_endpoint: `${MEMORY_ISSUER}/token`,
          introspection_endpoint: `${MEMORY_ISSUER}/introspect`,
          permission_endpoint: `${MEMORY_ISSUER}/permission`,
        }),
      )
    }
    if (url.endsWith('/introspect')) {
      introspections++
      return Promise.resolve(
        Response.json({
          active: true,
          exp: Math.floor(Date.now() / 1000) + 3600,
          permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
        }),
      )
    }
    return Promise.resolve(new Response(null, { status: 404 }))
  }
  return { fetch: asFetch, introspections: () => introspections }
}

/** A bearer token as long as a typical JWT RPT: hashing it is part of the cost measured. */
export const BENCH_RPT = `eyJ${'x'.repeat(700)}`

/** A second RPT of the same length, for connections that alternate two tokens. */
export const BENCH_RPT_2 = `eyJ${'y'.repeat(700)}`

/**
 * A resource server over the in-memory AS, caching RPTs for an hour, so that after the first
 * check every check of {@link BENCH_RPT} is a cache hit.
 *
 * @param create - `createResourceServer`, or another build's (the A/B of `rs-cpu`)
 * @returns the RS and how many introspections the AS answered
 */
export function createBenchResourceServer(create = createResourceServer): {
  rs: ResourceServer
  introspections: () => number
} {
  const memoryAs = createMemoryAs()
  const rs = create({
    issuer: MEMORY_ISSUER,
    clientId: 'photo-rs',
    clientSecret: 'secret',
    fetch: memoryAs.fetch,
    cache: { maxTtlSeconds: 3600 },
  })
  return { rs, introspections: memoryAs.introspections }
}

/**
 * Writes a result to `results/<date>-<bench>.json` (`-2`, `-3`… for later runs that day), with
 * the date, Node.js version and CPU.
 *
 * @param bench - the benchmark's name
 * @param figures - what it measured
 * @returns the full result
 */
export function writeResult(
  bench: string,
  figures: Record<string, unknown>,
): Record<string, unknown> {
  const result = {
    bench,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    ...figures,
  }
  // a second run on the same day gets -2, -3…: the README may quote the first
  const name = (n: number) => `${result.date.slice(0, 10)}-${bench}${n === 1 ? '' : `-${n}`}.json`
  let n = 1
  while (existsSync(new URL(`./results/${name(n)}`, import.meta.url))) n++
  const file = new URL(`./results/${name(n)}`, import.meta.url)
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  return result
}
