/**
 * Real `redis-server` processes for the shared-store tests: the binary on PATH, on 127.0.0.1
 * and a free port, no persistence, stopped by PID (also when a test fails or the worker exits).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'

const BINARY = 'redis-server'

/** The version of `redis-server` on PATH, e.g. `[7, 0, 15]`, or `undefined` when missing. */
export function redisServerVersion(): number[] | undefined {
  const out = spawnSync(BINARY, ['--version'], { encoding: 'utf8' })
  const match = out.status === 0 ? /v=(\d+)\.(\d+)\.(\d+)/.exec(out.stdout) : null
  return match === null ? undefined : match.slice(1).map(Number)
}

const version = redisServerVersion()
const NEED = 'redis-server on PATH (apt-get install redis-server)'

/**
 * `describe` when `redis-server` is on PATH; otherwise the suite skips with one line, except
 * under `CI=true`, where it fails.
 */
export function describeWithRedis(name: string, suite: () => void): void {
  if (version !== undefined) describe(name, suite)
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${NEED}`, () => {
        throw new Error(`${name}: ${NEED} is required under CI=true`)
      })
    })
  } else {
    console.warn(`skipped "${name}": it needs ${NEED}`)
    describe.skip(name, suite)
  }
}

/** A port free on 127.0.0.1 right now (redis has no `--port 0`). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** One running `redis-server`. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** The PID of the running process, `undefined` while stopped. */
  readonly pid: number | undefined
  /** Kills the process by PID with SIGKILL (a crash, not a shutdown) and waits for its exit. */
  kill(): Promise<void>
  /** Starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
})

function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  args.push('--dir', dir, '--daemonize', 'no')
  // DEBUG SLEEP is refused by default since Redis 7 unless enabled
  if ((version?.[0] ?? 0) >= 7) args.push('--enable-debug-command', 'local')
  const child = spawn(BINARY, [...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  return new Promise((resolve, reject) => {
    let log = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start: ${log}`))
    }, 10_000)
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      log += chunk
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('exit', (code) => {
      running.delete(child)
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}: ${log.slice(-400)}`))
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * Starts `redis-server` on a free port, trying another port when the chosen one was taken in
 * between.
 *
 * @param extra - more arguments, e.g. `['--cluster-enabled', 'yes']`
 * @returns the server
 */
export async function startRedisServer(extra: string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'uma-kit-redis-'))
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort()
    try {
      child = await launch(port, dir, extra)
    } catch (err) {
      if (attempt >= 5) throw err
    }
  }
  let current: ChildProcess | undefined = child
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current?.pid
    },
    async kill() {
      const proc = current
      current = undefined
      if (proc?.pid === undefined) return
      process.kill(proc.pid, 'SIGKILL')
      await exited(proc)
    },
    async restart() {
      await server.kill()
      // the port was just released; another process may take it, so try a few times
      for (let attempt = 1; current === undefined; attempt++) {
        try {
          current = await launch(port, dir, extra)
        } catch (err) {
          if (attempt >= 20) throw err
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
    },
    async stop() {
      await server.kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return server
}
