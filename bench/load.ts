/**
 * Load from a separate process: runs the autocannon CLI against a URL and gives its summary, so
 * the load generator does not share the event loop of the server it measures.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'

const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js')

/** What one autocannon run measured. */
export interface LoadResult {
  /** Mean requests per second. */
  readonly rps: number
  readonly non2xx: number
  readonly errors: number
}

/**
 * Runs autocannon in a child process.
 *
 * @param url - the target
 * @param options - connections, seconds, headers
 * @returns the mean requests per second and the failures
 */
export function runLoad(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const args = [autocannon, '-j', '-c', String(options.connections), '-d', String(options.seconds)]
  for (const [name, value] of Object.entries(options.headers ?? {}))
    args.push('-H', `${name}=${value}`)
  args.push(url)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`autocannon exited with ${String(code)}`))
        return
      }
      const summary = JSON.parse(out) as {
        requests: { average: number }
        non2xx: number
        errors: number
      }
      resolve({ rps: summary.requests.average, non2xx: summary.non2xx, errors: summary.errors })
    })
  })
}
