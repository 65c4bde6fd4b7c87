/**
 * Starting and stopping the fleet's resource server processes (`instance.ts`, run with tsx on
 * the packages' sources, as the rest of the repository's examples are).
 */
import { fork, type ChildProcess } from 'node:child_process'

/** One running instance. */
export interface Instance {
  readonly name: string
  readonly url: string
  readonly pid: number | undefined
  close(): Promise<void>
}

const INSTANCE = new URL('./instance.ts', import.meta.url).pathname
// resolved here, not from the caller's working directory (a test runner's is the repository's)
const TSX = import.meta.resolve('tsx')

/**
 * Starts one instance.
 *
 * @param config - what `instance.ts` reads from FLEET_INSTANCE
 * @returns the instance, once it listens
 */
export async function startInstance(config: { name: string } & Record<string, unknown>) {
  const child: ChildProcess = fork(INSTANCE, [], {
    execArgv: ['--conditions=@uma-kit/source', '--import', TSX],
    env: { ...process.env, FLEET_INSTANCE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const stopOnExit = () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
  }
  process.once('exit', stopOnExit)
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`${config.name} exited with ${code}`)))
  })
  const instance: Instance = {
    name: config.name,
    url,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send({ close: true })
      }),
  }
  return instance
}
