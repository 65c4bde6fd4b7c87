/**
 * @module The second level of the RPT cache: checked RPTs shared by a fleet through a
 * {@link SharedRptStore}, one introspection per RPT for the whole fleet, and revocations.
 */
import { randomUUID } from 'node:crypto'
import { UmaError } from '@uma-kit/core'
import { decodeEntry, encodeEntry, TOMBSTONE, type SharedEntry } from './entry-codec.js'
import { tokenName } from './keys.js'
import { createRevokedNames } from './revoked-names.js'
import {
  resolveSharedLevelOptions,
  type ResolvedSharedLevelOptions,
  type SharedLevelOptions,
} from './shared-level-options.js'
import { createStoreGuard, type StoreGuard } from './store-guard.js'
import { waitForEntry } from './wait-for-entry.js'

/** What a revocation message asks: forget one RPT by its local key, or forget every RPT. */
export type SharedRevocation =
  { readonly kind: 'key'; readonly localKey: string } | { readonly kind: 'all' }

/**
 * The shared level. Every method but `revoke` answers "nothing" when the store fails, is slow
 * or is known to be down, and never rejects; `key` is always what {@link SharedLevel.localKey}
 * gave for the token, so the token is hashed once per request.
 */
export interface SharedLevel {
  /** The key of a token, for the local cache as for the store: an HMAC with the secret. */
  localKey(token: string): string
  /** The entry the fleet holds for a key, or `undefined` (miss, refused value, store fault). */
  read(key: string): Promise<SharedEntry | undefined>
  /**
   * Shares an entry until its `expiresAt` (at most `maxTtlMs` after its check), unless one is
   * there already or the key was revoked after the check. Best effort; never rejects.
   */
  write(key: string, entry: SharedEntry): Promise<void>
  /**
   * Takes the lock of a first use for `lockTtlMs`. `true`: this instance asks the AS (also
   * when the store cannot tell); `false`: another instance is asking, wait with `waitFor`.
   */
  lead(key: string): Promise<boolean>
  /** The entry another instance is writing, or `undefined` when none comes within `timeoutMs`. */
  waitFor(key: string, timeoutMs: number): Promise<SharedEntry | undefined>
  /**
   * Revokes a key on every instance: this instance's listeners hear it at once, the store's
   * entry is replaced by a tombstone, and every other instance hears it within a second.
   *
   * @throws {UmaError} `store_unavailable` when the store did not take it within
   *   `revokeTimeoutMs` (this instance has forgotten the RPT; others may not have)
   */
  revoke(key: string): Promise<void>
  /** Hears revocations, this instance's and others'; returns a function that stops it. */
  onRevoked(listener: (revocation: SharedRevocation) => void): () => void
  /** Stops hearing the store; later reads miss and `lead` answers `true`. */
  close(): Promise<void>
}

const NAME = /^[A-Za-z0-9_-]{43}$/
const entryKey = (key: string) => `rpt:${key}`
const lockKey = (key: string) => `lock:${key}`

/**
 * Creates the shared level of one instance.
 *
 * @param options - the store, the secret and the bounds
 * @returns the level
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` or `ERR_INVALID_ARG_VALUE` for a bad option, a
 *   secret of fewer than 32 bytes included
 */
export function createSharedLevel(options: SharedLevelOptions): SharedLevel {
  const o = resolveSharedLevelOptions(options)
  const { store, keys, now } = o
  const guard = createStoreGuard({
    timeoutMs: o.opTimeoutMs,
    failureThreshold: 3,
    cooldownMs: 1000,
    probe: (signal) => store.get('probe', 0, signal),
    now,
  })
  const revoked = createRevokedNames(10_000, o.maxTtlMs + o.clockToleranceMs)
  const listeners = new Set<(revocation: SharedRevocation) => void>()
  const lockValue = randomUUID()
  let closed = false

  function emit(revocation: SharedRevocation): void {
    for (const listener of listeners) {
      try {
        listener(revocation)
      } catch {
        // one listener's fault must not keep the others from hearing it
      }
    }
  }
  function heard(key: string): void {
    revoked.add(key, now())
    emit({ kind: 'key', localKey: key })
  }
  const unsubscribe = store.subscribe({
    message: (message) => {
      if (!closed && NAME.test(message)) heard(message)
    },
    lost: () => {
      if (!closed) emit({ kind: 'all' })
    },
  })

  const decode = (key: string, value: unknown) =>
    decodeFor(o, key, value, revoked.revokedAt(key, now()))
  const level: SharedLevel = {
    localKey: (token) => tokenName(keys, token),
    async read(key) {
      if (closed) return undefined
      const got = await guard.run((s) => store.get(entryKey(key), o.maxEntryLength, s))
      return got.ok ? decode(key, got.value) : undefined
    },
    async write(key, entry) {
      if (closed) return
      const value = encodeFor(o, key, entry, revoked.revokedAt(key, now()))
      if (value === undefined) return
      // set-if-absent: a write that raced a revocation cannot replace its tombstone
      await guard.run((s) => store.setIfAbsent(entryKey(key), value.value, value.ttlMs, s))
    },
    async lead(key) {
      if (closed) return true
      const got = await guard.run((s) => store.setIfAbsent(lockKey(key), lockValue, o.lockTtlMs, s))
      return !got.ok || got.value
    },
    waitFor(key, timeoutMs) {
      if (closed) return Promise.resolve(undefined)
      return waitForEntry(guard, o, timeoutMs, async (s) => {
        const value = await store.get(entryKey(key), o.maxEntryLength, s)
        return value === TOMBSTONE ? 'revoked' : decode(key, value)
      })
    },
    revoke: (key) => revokeKey(o, guard, key, heard),
    onRevoked(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      if (!closed) {
        closed = true
        listeners.clear()
        unsubscribe()
      }
      return Promise.resolve()
    },
  }
  return level
}

function decodeFor(
  o: ResolvedSharedLevelOptions,
  key: string,
  value: unknown,
  revokedAt: number | undefined,
): SharedEntry | undefined {
  const entry = decodeEntry(o.keys, entryKey(key), value, {
    now: o.now(),
    maxLength: o.maxEntryLength,
    maxTtlMs: o.maxTtlMs,
    clockToleranceMs: o.clockToleranceMs,
  })
  if (entry === undefined) return undefined
  return revokedAt !== undefined && entry.checkedAt <= revokedAt + o.clockToleranceMs
    ? undefined
    : entry
}

function encodeFor(
  o: ResolvedSharedLevelOptions,
  key: string,
  entry: SharedEntry,
  revokedAt: number | undefined,
): { value: string; ttlMs: number } | undefined {
  // whole milliseconds, as the reader demands; the check rounded down, never later than it was
  const checkedAt = Math.floor(entry.checkedAt)
  const expiresAt = Math.floor(Math.min(entry.expiresAt, checkedAt + o.maxTtlMs))
  if (!Number.isSafeInteger(checkedAt) || !Number.isSafeInteger(expiresAt)) return undefined
  if (revokedAt !== undefined && checkedAt <= revokedAt + o.clockToleranceMs) return undefined
  const ttlMs = expiresAt - o.now()
  if (ttlMs < 1) return undefined
  const shared = { introspection: entry.introspection, checkedAt, expiresAt }
  const value = encodeEntry(o.keys, entryKey(key), shared, o.maxEntryLength)
  return value === undefined ? undefined : { value, ttlMs }
}

async function revokeKey(
  o: ResolvedSharedLevelOptions,
  guard: StoreGuard,
  key: string,
  heard: (key: string) => void,
): Promise<void> {
  heard(key)
  const options = { timeoutMs: o.revokeTimeoutMs, force: true }
  // the tombstone outlives any introspection that began before the revocation
  const tombstoneMs = 2 * o.lockTtlMs
  const [tombstone, published] = await Promise.all([
    guard.run((s) => o.store.set(entryKey(key), TOMBSTONE, tombstoneMs, s), options),
    guard.run((s) => o.store.publish(key, s), options),
  ])
  if (!tombstone.ok || !published.ok) {
    throw new UmaError('store_unavailable', 'the shared store did not take the revocation in time')
  }
}
