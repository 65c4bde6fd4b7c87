/**
 * @module Sharing one promise among identical concurrent calls.
 */

/** Runs at most one task per key at a time; see {@link createSingleFlight}. */
export interface SingleFlight<K, V> {
  /**
   * Joins the task in flight for `key`, or starts `task` when there is none.
   *
   * @param key - what identifies identical work
   * @param task - starts the work
   * @returns the shared result
   */
  run(key: K, task: () => Promise<V>): Promise<V>
  /** How many keys have a task in flight. */
  readonly size: number
}

/**
 * Creates a single-flight group: concurrent `run` calls with the same key share one promise,
 * which is forgotten once settled, so a failure is never kept.
 *
 * @returns the group
 */
export function createSingleFlight<K, V>(): SingleFlight<K, V> {
  const inFlight = new Map<K, Promise<V>>()
  return {
    run(key, task) {
      const pending = inFlight.get(key)
      if (pending !== undefined) return pending
      const started = Promise.resolve()
        .then(task)
        .finally(() => inFlight.delete(key))
      inFlight.set(key, started)
      return started
    },
    get size() {
      return inFlight.size
    },
  }
}
