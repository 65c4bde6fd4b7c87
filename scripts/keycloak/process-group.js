// A child started in a process group of its own, so that it and whatever it starts (kc.sh runs
// java as its child) are stopped together by the group's id.
import { spawn } from 'node:child_process'
import process from 'node:process'
import { clearTimeout, setTimeout } from 'node:timers'

/** Groups still running, stopped when this process exits, however it exits. */
const running = new Set()
let exitHookInstalled = false

function installExitHook() {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    // no waiting here, and a JVM still starting up may sit on SIGTERM until it has started (seen
    // with Keycloak): SIGKILL. The in-memory database has nothing to lose.
    for (const pgid of running) signalGroup(pgid, 'SIGKILL')
  })
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal)
  } catch {
    // already gone
  }
}

/**
 * Starts a command as the leader of a new process group.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} options
 * @returns {{ child: import('node:child_process').ChildProcessWithoutNullStreams, pgid: number,
 *   exited: Promise<number | null>, stop(timeoutMs?: number): Promise<void> }}
 */
export function spawnGroup(command, args, options) {
  installExitHook()
  const child = spawn(command, args, { ...options, detached: true, stdio: 'pipe' })
  child.stdin.end()
  const pgid = child.pid
  if (pgid === undefined) throw new Error(`${command} could not be started`)
  running.add(pgid)
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code) => {
      running.delete(pgid)
      // kc.sh may leave java behind if it was killed itself: the group goes with it
      signalGroup(pgid, 'SIGKILL')
      resolve(code)
    })
  })
  return {
    child,
    pgid,
    exited,
    async stop(timeoutMs = 20_000) {
      if (!running.has(pgid)) return
      signalGroup(pgid, 'SIGTERM')
      let timer
      const late = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, 'late')))
      const outcome = await Promise.race([exited, late])
      clearTimeout(timer)
      if (outcome === 'late') {
        signalGroup(pgid, 'SIGKILL')
        await exited
      }
    },
  }
}
