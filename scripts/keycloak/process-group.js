// A child started in a process group of its own, so that it and whatever it starts (kc.sh runs
// java as its child) are stopped together by the group's id; what the group holds (memory,
// listening sockets) is read from Linux's /proc.
import { Buffer } from 'node:buffer'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
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

/**
 * The processes of a group, from /proc (Linux only).
 *
 * @param {number} pgid
 * @returns {number[]}
 */
export function groupMembers(pgid) {
  /** @type {number[]} */
  const members = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // the command name in parentheses may hold spaces: fields start after its last ')'
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid) members.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return members
}

/**
 * Resident memory of a group in kB, summed over its processes.
 *
 * @param {number} pgid
 * @returns {number | undefined} undefined where /proc cannot be read
 */
export function groupRssKb(pgid) {
  try {
    let total = 0
    for (const pid of groupMembers(pgid)) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0)
    }
    return total
  } catch {
    return undefined
  }
}

/**
 * Every TCP socket a group listens on, as `address:port` (IPv4-mapped IPv6 shown as IPv4).
 *
 * @param {number} pgid
 * @returns {string[] | undefined} undefined where /proc cannot be read
 */
export function groupListeningSockets(pgid) {
  try {
    const inodes = new Set()
    for (const pid of groupMembers(pgid)) {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = safeReadlink(`/proc/${pid}/fd/${fd}`)
        const inode = /^socket:\[(\d+)\]$/.exec(link ?? '')?.[1]
        if (inode !== undefined) inodes.add(inode)
      }
    }
    /** @type {string[]} */
    const sockets = []
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/)
        // state 0A is LISTEN
        if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue
        sockets.push(formatAddress(cols[1] ?? ''))
      }
    }
    return sockets
  } catch {
    return undefined
  }
}

/** @param {string} path */
function safeReadlink(path) {
  try {
    return readlinkSync(path)
  } catch {
    return undefined
  }
}

/**
 * /proc/net/tcp's `hex-address:hex-port`, words in host (little-endian) order.
 *
 * @param {string} field
 * @returns {string}
 */
function formatAddress(field) {
  const [hex = '', portHex = '0'] = field.split(':')
  const port = parseInt(portHex, 16)
  const words = (hex.match(/.{8}/g) ?? []).map((w) => Buffer.from(w, 'hex').reverse())
  const bytes = Buffer.concat(words)
  if (bytes.length === 4) return `${[...bytes].join('.')}:${port}`
  // ::ffff:a.b.c.d
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `${[...bytes.subarray(12)].join('.')}:${port}`
  const groups = []
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16))
  return `[${groups.join(':')}]:${port}`
}
