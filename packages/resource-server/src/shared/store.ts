/**
 * @module The second-level store that a fleet of resource servers shares: a few raw string
 * operations, so that it can sit on Redis ({@link redisStore}) or on anything else.
 */

/**
 * Receives what any instance of the fleet published through {@link SharedRptStore.publish}.
 */
export interface SharedRptStoreListener {
  /** One published message, this instance's own included; a message may come more than once. */
  message(message: string): void
  /**
   * Messages may have been missed: the store restarted or lost its log, the subscription broke,
   * or this instance fell further behind than the store keeps. uma-kit then forgets every RPT it
   * keeps in memory, since any of them may have been revoked.
   */
  lost(): void
}

/**
 * What a fleet of resource servers needs from the store it shares: opaque string values with a
 * time to live, a set-if-absent for the lock of a first use, and a broadcast of revocations.
 *
 * uma-kit MACs every value and derives every key with the fleet's `sharedSecret`, so a store
 * needs no trust of its own: a value that was changed, moved or invented is a miss. Keys and
 * values are printable ASCII; keys are at most 64 characters, values at most the `maxLength`
 * of `get` (64 KiB unless configured).
 *
 * Every call gets an `AbortSignal` that fires when uma-kit stops waiting (after a short timeout,
 * 100 ms by default): an implementation should drop the operation then if it can, and may
 * ignore the signal if it cannot, since uma-kit never waits past it. A rejected promise is a
 * store failure: uma-kit then decides as if there were no shared store.
 *
 * To put it on another store (memcached, a SQL table), map `get`/`set`/`setIfAbsent` onto its
 * get, set-with-expiry and add-if-absent, and `publish`/`subscribe` onto whatever can tell every
 * instance within a second (a polled table, LISTEN/NOTIFY); `subscribe` must call `lost()`
 * whenever it cannot vouch that no message was missed.
 *
 * @see {@link redisStore} for Redis and Valkey
 */
export interface SharedRptStore {
  /**
   * Reads a value.
   *
   * @param key - the key
   * @param maxLength - uma-kit refuses longer values, so the store need not send more than
   *   `maxLength + 1` characters of one
   * @param signal - fires when uma-kit stops waiting
   * @returns the value, or `undefined` when there is none
   */
  get(key: string, maxLength: number, signal: AbortSignal): Promise<string | undefined>
  /**
   * Writes a value, replacing any, for `ttlMs` milliseconds.
   *
   * @param key - the key
   * @param value - the value
   * @param ttlMs - its time to live, a positive integer
   * @param signal - fires when uma-kit stops waiting
   */
  set(key: string, value: string, ttlMs: number, signal: AbortSignal): Promise<void>
  /**
   * Writes a value for `ttlMs` milliseconds only if the key has none, atomically: of concurrent
   * calls on one key from the whole fleet, at most one may answer `true`.
   *
   * @param key - the key
   * @param value - the value
   * @param ttlMs - its time to live, a positive integer
   * @param signal - fires when uma-kit stops waiting
   * @returns whether this call wrote it
   */
  setIfAbsent(key: string, value: string, ttlMs: number, signal: AbortSignal): Promise<boolean>
  /**
   * Tells every instance's subscribers, this one's included, within one second.
   *
   * @param message - a short ASCII string
   * @param signal - fires when uma-kit stops waiting
   */
  publish(message: string, signal: AbortSignal): Promise<void>
  /**
   * Starts delivering published messages to `listener`.
   *
   * @param listener - receives messages, and `lost()` when some may have been missed
   * @returns a function that stops the delivery
   */
  subscribe(listener: SharedRptStoreListener): () => void
}
