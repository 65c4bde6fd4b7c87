/**
 * @module The shared level's entries in the store: their keys, what a read accepts, what a
 * write stores, and the revocation's tombstone.
 */
import { UmaError } from '@uma-kit/core'
import { decodeEntry, encodeEntry, TOMBSTONE, type SharedEntry } from './entry-codec.js'
import type { ResolvedSharedLevelOptions } from './shared-level-options.js'
import type { StoreGuard } from './store-guard.js'

/** The store key of a checked RPT. */
export const entryKey = (key: string): string => `rpt:${key}`
/** The store key of the lock of a first use. */
export const lockKey = (key: string): string => `lock:${key}`

/**
 * An entry read from the store, if its MAC holds, it is live, and it was checked after the
 * last revocation this instance heard of.
 *
 * @param o - the level's options
 * @param key - the local key
 * @param value - what the store gave
 * @param revokedAt - when this instance last heard the key revoked
 * @returns the entry, or `undefined`
 */
export function acceptEntry(
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

/**
 * The value and time to live to store for an entry: in whole milliseconds, its life cut to
 * `maxTtlMs` after its check; nothing for an entry already over, too large, or checked before
 * a revocation this instance heard of.
 *
 * @param o - the level's options
 * @param key - the local key
 * @param entry - the entry
 * @param revokedAt - when this instance last heard the key revoked
 * @returns what to store, or `undefined`
 */
export function entryToStore(
  o: ResolvedSharedLevelOptions,
  key: string,
  entry: SharedEntry,
  revokedAt: number | undefined,
): { value: string; ttlMs: number } | undefined {
  // rounded down: the check never later than it was
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

/**
 * Replaces the entry by a tombstone and tells the fleet, waiting up to `revokeTimeoutMs` even
 * when the store's breaker is open.
 *
 * @param o - the level's options
 * @param guard - the store's guard
 * @param key - the local key
 * @throws {UmaError} `store_unavailable` when the store did not take both in time
 */
export async function revokeInStore(
  o: ResolvedSharedLevelOptions,
  guard: StoreGuard,
  key: string,
): Promise<void> {
  const options = { timeoutMs: o.revokeTimeoutMs, force: true }
  // the tombstone outlives any introspection that began before the revocation, and since
  // entries are written only where there is none, such a late answer cannot replace it
  const tombstoneMs = 2 * o.lockTtlMs
  const [tombstone, published] = await Promise.all([
    guard.run((s) => o.store.set(entryKey(key), TOMBSTONE, tombstoneMs, s), options),
    guard.run((s) => o.store.publish(key, s), options),
  ])
  if (!tombstone.ok || !published.ok) {
    throw new UmaError('store_unavailable', 'the shared store did not take the revocation in time')
  }
}
