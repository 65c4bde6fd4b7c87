/**
 * @module A {@link SharedRptStore} in one process's memory, for unit tests of the shared level.
 */
import type { SharedRptStore, SharedRptStoreListener } from './store.js'

/**
 * A {@link SharedRptStore} held in memory, with access to its raw values so that tests can
 * tamper with them.
 *
 * @internal
 */
export interface MemoryStore extends SharedRptStore {
  /** The live values by key, expired ones left out. */
  values(): Map<string, string>
  /** Writes a raw value as another writer of the store would, for `ttlMs` milliseconds. */
  put(key: string, value: string, ttlMs?: number): void
  /** Forgets every value, as a restarted store would. */
  clear(): void
  /** Tells every subscriber that messages may have been missed. */
  lose(): void
}

/**
 * Creates an in-memory store. Several shared levels given the same store behave as instances of
 * one fleet; messages are delivered in a later microtask, as a real store would.
 *
 * @param now - the clock, in milliseconds
 * @returns the store
 * @internal
 */
export function createMemoryStore(now: () => number = Date.now): MemoryStore {
  const entries = new Map<string, { value: string; expiresAt: number }>()
  const listeners = new Set<SharedRptStoreListener>()

  function live(key: string): string | undefined {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > now()) return entry.value
    entries.delete(key)
    return undefined
  }

  function put(key: string, value: string, ttlMs = 60_000): void {
    entries.set(key, { value, expiresAt: now() + ttlMs })
  }

  return {
    get(key) {
      return Promise.resolve(live(key))
    },
    set(key, value, ttlMs) {
      put(key, value, ttlMs)
      return Promise.resolve()
    },
    setIfAbsent(key, value, ttlMs) {
      if (live(key) !== undefined) return Promise.resolve(false)
      put(key, value, ttlMs)
      return Promise.resolve(true)
    },
    publish(message) {
      queueMicrotask(() => {
        for (const listener of listeners) listener.message(message)
      })
      return Promise.resolve()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    values() {
      const out = new Map<string, string>()
      for (const key of entries.keys()) {
        const value = live(key)
        if (value !== undefined) out.set(key, value)
      }
      return out
    },
    put,
    clear() {
      entries.clear()
    },
    lose() {
      for (const listener of listeners) listener.lost()
    },
  }
}
