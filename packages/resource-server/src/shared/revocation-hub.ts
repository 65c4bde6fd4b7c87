/**
 * @module Where one instance hears revocations: its own at once, the fleet's through the store,
 * and what it remembers of them.
 */
import { createRevokedNames } from './revoked-names.js'
import type { SharedRptStore } from './store.js'

/** What a revocation message asks: forget one RPT by its local key, or forget every RPT. */
export type SharedRevocation =
  { readonly kind: 'key'; readonly localKey: string } | { readonly kind: 'all' }

/** The revocations of one instance; see {@link createRevocationHub}. */
export interface RevocationHub {
  /** Tells this instance's listeners, and remembers when. */
  heard(key: string): void
  /** When this instance last heard `key` revoked, within the memory's time. */
  revokedAt(key: string): number | undefined
  /** Adds a listener; returns a function that removes it. */
  listen(listener: (revocation: SharedRevocation) => void): () => void
  /** Stops hearing the store and drops every listener. */
  close(): void
}

const NAME = /^[A-Za-z0-9_-]{43}$/

/**
 * Subscribes to the store's messages. A message that is not a key is ignored: someone who can
 * publish to the store can at most make instances forget RPTs, never accept one.
 *
 * @param store - the fleet's store
 * @param now - the clock
 * @param keepMs - how long a revocation is remembered: the longest life of an entry
 * @returns the hub
 */
export function createRevocationHub(
  store: SharedRptStore,
  now: () => number,
  keepMs: number,
): RevocationHub {
  const revoked = createRevokedNames(10_000, keepMs)
  const listeners = new Set<(revocation: SharedRevocation) => void>()
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

  return {
    heard,
    revokedAt: (key) => revoked.revokedAt(key, now()),
    listen(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      if (closed) return
      closed = true
      listeners.clear()
      unsubscribe()
    },
  }
}
