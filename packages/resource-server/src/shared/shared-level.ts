/**
 * @module The second level of the RPT cache: checked RPTs shared by a fleet through a
 * {@link SharedRptStore}, one introspection per RPT for the whole fleet, and revocations.
 */
import { randomUUID } from 'node:crypto'
import { TOMBSTONE, type SharedEntry } from './entry-codec.js'
import { tokenName } from './keys.js'
import { acceptEntry, entryKey, entryToStore, lockKey, revokeInStore } from './level-entries.js'
import { createRevocationHub, type SharedRevocation } from './revocation-hub.js'
import { resolveSharedLevelOptions, type SharedLevelOptions } from './shared-level-options.js'
import { createStoreGuard } from './store-guard.js'
import { waitForEntry } from './wait-for-entry.js'

export type { SharedEntry } from './entry-codec.js'
export type { SharedRevocation } from './revocation-hub.js'
export type { SharedLevelOptions } from './shared-level-options.js'

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

/**
 * Creates the shared level of one instance.
 *
 * Store faults: every call is bounded by `opTimeoutMs` and goes through a circuit breaker that
 * opens after 3 consecutive failures; while open, calls answer "nothing" without touching the
 * store, and the first call after each second starts one probe in the background, whose
 * success closes it again.
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
  const hub = createRevocationHub(store, now, o.maxTtlMs + o.clockToleranceMs)
  const lockValue = randomUUID()
  let closed = false
  const accept = (key: string, value: unknown) => acceptEntry(o, key, value, hub.revokedAt(key))

  return {
    localKey: (token) => tokenName(keys, token),
    async read(key) {
      if (closed) return undefined
      const got = await guard.run((s) => store.get(entryKey(key), o.maxEntryLength, s))
      return got.ok ? accept(key, got.value) : undefined
    },
    async write(key, entry) {
      const put = closed ? undefined : entryToStore(o, key, entry, hub.revokedAt(key))
      if (put === undefined) return
      // set-if-absent: a write that raced a revocation cannot replace its tombstone
      await guard.run((s) => store.setIfAbsent(entryKey(key), put.value, put.ttlMs, s))
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
        return value === TOMBSTONE ? 'revoked' : accept(key, value)
      })
    },
    async revoke(key) {
      hub.heard(key)
      await revokeInStore(o, guard, key)
    },
    onRevoked: (listener) => hub.listen(listener),
    close() {
      closed = true
      hub.close()
      return Promise.resolve()
    },
  }
}
