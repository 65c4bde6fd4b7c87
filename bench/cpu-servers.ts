/**
 * The server processes of `rs-cpu`: each runs `cpu-server.ts` (some variants, one build of the
 * resource server) and brackets each turn of load with its own CPU count.
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { Variant } from './cpu-apps.js'

/** What a server process counted over one turn. */
export interface ServerTurn {
  readonly cpuUs: number
  readonly served: number
  /** Requests per second, from the first request's arrival to the last's. */
  readonly rps: number
  readonly rss: number
  readonly heapUsed: number
  readonly introspections: number
}

/** One server process. */
export interface CpuServer {
  readonly apps: Record<Variant, { url: string; headers: Record<string, string> }>
  begin(variant: Variant): void
  end(variant: Variant): Promise<ServerTurn>
  close(): Promise<void>
}

/**
 * Starts a server process.
 *
 * @param env - `ONLY` (variants), `BUILD` (another build's dist/index.js)
 * @param profileDir - where to write a CPU profile of the process, if anywhere
 * @returns the process, once every app listens
 */
export async function startCpuServer(
  env: Record<string, string | undefined>,
  profileDir?: string,
): Promise<CpuServer> {
  const child: ChildProcess = fork(new URL('./cpu-server.ts', import.meta.url).pathname, [], {
    execArgv: [
      ...process.execArgv,
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
    ],
    env: { ...process.env, ...env },
  })
  const apps = await new Promise<CpuServer['apps']>((resolve, reject) => {
    child.once('message', (m: { ready: CpuServer['apps'] }) => resolve(m.ready))
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)))
  })
  return {
    apps,
    begin: (variant) => child.send({ begin: variant }),
    end: (variant) =>
      new Promise((resolve) => {
        child.once('message', (m: { turn: ServerTurn }) => resolve(m.turn))
        child.send({ end: variant })
      }),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.send({ close: true })
      }),
  }
}
