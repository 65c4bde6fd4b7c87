/**
 * A `redis-server` for the example: the binary on PATH, on 127.0.0.1 and a free port, nothing
 * persisted, stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

/** A running (or stopped) `redis-server`. */
export interface RedisProcess {
  readonly port: number
  readonly url: string
  /** Kills it by PID (SIGKILL: Redis gone, as in a crash) and waits for the exit. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

function launch(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)))
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.includes('Ready to accept connections')) resolve(child)
    })
  })
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1.
 *
 * @returns the server
 * @throws when the binary is missing or does not start
 */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  const stopOnExit = () => {
    if (child?.pid !== undefined) process.kill(child.pid, 'SIGKILL')
  }
  process.once('exit', stopOnExit)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const proc = child
      child = undefined
      if (proc?.pid === undefined || proc.exitCode !== null) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      process.kill(proc.pid, 'SIGKILL')
      await exited
    },
    async start() {
      child = await launch(port)
    },
  }
}
