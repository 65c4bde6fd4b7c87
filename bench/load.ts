/**
 * Load from a separate process: runs `load-worker.ts` (autocannon) against a URL and gives its
 * summary, so the load generator does not share the event loop or the CPU account of the
 * server it measures.
 */
import { spawn } from 'node:child_process'

/** What to send. */
export interface LoadSpec {
  readonly url: string
  readonly connections: number
  /** How long, unless `amount` is given. */
  readonly seconds?: number
  /** How many requests (takes precedence over `seconds`). */
  readonly amount?: number
  /** A fixed rate for all connections together, requests per second. */
  readonly rate?: number
  readonly headers?: Record<string, string>
  /** Header sets the requests of each connection go round, in place of `headers`. */
  readonly alternateHeaders?: readonly Record<string, string>[]
  /** Sends `Authorization: Bearer <a token never sent before>` on every request. */
  readonly distinctTokens?: boolean
}

/** What one load run measured. */
export interface LoadResult {
  /** Mean requests per second. */
  readonly rps: number
  readonly requests: number
  readonly seconds: number
  readonly non2xx: number
  readonly errors: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Responses by status code. */
  readonly statuses: Record<string, number>
}

const worker = new URL('./load-worker.ts', import.meta.url).pathname

/**
 * Runs autocannon in a child process (under tsx, as the parent runs).
 *
 * @param spec - the target and the load
 * @returns the summary
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return runWorker(spec) as Promise<LoadResult>
}

/**
 * Runs several loads at once from one child process, each its own autocannon instance.
 *
 * @param specs - the targets and loads
 * @returns the summaries, in the same order
 */
export function runLoads(specs: readonly LoadSpec[]): Promise<LoadResult[]> {
  return runWorker(specs) as Promise<LoadResult[]>
}

function runWorker(spec: LoadSpec | readonly LoadSpec[]): Promise<unknown> {
  const args = [...process.execArgv, worker, JSON.stringify(spec)]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${String(code)}`))
      else resolve(JSON.parse(out) as unknown)
    })
  })
}
