/**
 * @module Revocations on Redis: a capped stream, polled with plain XRANGE on the application's
 * own connection.
 */
import type { RedisCommand } from './redis-client.js'
import type { SharedRptStoreListener } from './store.js'

/** The stream of revocations; see {@link createRevocationStream}. */
export interface RevocationStream {
  /** Appends a message. */
  publish(message: string, signal: AbortSignal): Promise<void>
  /** Delivers new messages to `listener` until the returned function is called. */
  subscribe(listener: SharedRptStoreListener): () => void
}

// About 10 000 × 60 bytes: far more revocations than one poll interval can see
const MAX_LENGTH = '10000'
const BATCH = 100
const NONE = '0-0'

interface StreamEntry {
  readonly id: string
  readonly message: string | undefined
}

function readEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) throw new TypeError('XRANGE did not answer an array')
  const entries: StreamEntry[] = []
  for (const item of reply as unknown[]) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue
    const fields: unknown = item[1]
    let message: string | undefined
    if (Array.isArray(fields)) {
      const at = fields.indexOf('k')
      const value: unknown = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined
      if (typeof value === 'string') message = value
    }
    entries.push({ id: item[0], message })
  }
  return entries
}

/**
 * Creates the stream. Each poll reads from the last entry seen, that entry included: when it is
 * no longer first (the stream was trimmed past it, deleted, or Redis restarted empty), messages
 * may have been missed and listeners hear `lost()`. A poll never overlaps the next, and one
 * that outlasts `pollIntervalMs` (at least 250 ms) is abandoned, its answer ignored.
 *
 * @param command - sends a command on the application's client
 * @param key - the stream's key
 * @param pollIntervalMs - the time between polls, in milliseconds
 * @returns the stream
 */
export function createRevocationStream(
  command: RedisCommand,
  key: string,
  pollIntervalMs: number,
): RevocationStream {
  const listeners = new Set<SharedRptStoreListener>()
  const pollTimeoutMs = Math.max(pollIntervalMs, 250)
  let position: string | undefined
  let startFailed = false
  let timer: NodeJS.Timeout | undefined
  let generation = 0
  let pending = 0

  const lost = () => {
    for (const l of listeners) l.lost()
  }
  const deliver = (message: string) => {
    for (const l of listeners) l.message(message)
  }

  async function start(signal: AbortSignal): Promise<void> {
    const reply = await command(['XREVRANGE', key, '+', '-', 'COUNT', '1'], key, signal)
    if (signal.aborted) throw new Error('abandoned')
    position = readEntries(reply)[0]?.id ?? NONE
    // revocations published while this instance could not read the stream are unknown
    if (startFailed) lost()
    startFailed = false
  }

  async function poll(signal: AbortSignal): Promise<void> {
    for (;;) {
      const from = position ?? NONE
      const args = ['XRANGE', key, from === NONE ? '-' : from, '+', 'COUNT', String(BATCH)]
      const entries = readEntries(await command(args, key, signal))
      if (signal.aborted) return
      const fresh = from !== NONE && entries[0]?.id === from ? entries.slice(1) : entries
      if (from !== NONE && fresh === entries) lost()
      position = entries.at(-1)?.id ?? NONE
      for (const { message } of fresh) if (message !== undefined) deliver(message)
      if (entries.length < BATCH) return
    }
  }

  function tick(): void {
    const mine = ++generation
    // an abandoned command may still sit in the client's offline queue: never pile them up
    if (pending >= 2) {
      schedule()
      return
    }
    pending++
    const controller = new AbortController()
    const step = position === undefined ? start : poll
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(bound)
      if (mine === generation && listeners.size > 0) schedule()
    }
    const bound = setTimeout(() => {
      controller.abort()
      finish()
    }, pollTimeoutMs)
    step(controller.signal)
      .catch(() => {
        if (position === undefined) startFailed = true
      })
      .finally(() => {
        pending--
        finish()
      })
  }

  function schedule(): void {
    timer = setTimeout(tick, pollIntervalMs)
    // the application's own handles decide when the process may exit, not this poll
    timer.unref()
  }

  return {
    async publish(message, signal) {
      const args = ['XADD', key, 'MAXLEN', '~', MAX_LENGTH, '*', 'k', message]
      await command(args, key, signal)
    },
    subscribe(listener) {
      listeners.add(listener)
      if (listeners.size === 1) tick()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) {
          clearTimeout(timer)
          generation++
          position = undefined
          startFailed = false
        }
      }
    },
  }
}
