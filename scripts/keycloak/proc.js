// What a process group holds, read from Linux's /proc: its processes, their memory, and the TCP
// sockets they listen on.
import { Buffer } from 'node:buffer'
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

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
