/**
 * @module The options of the shared level, checked once.
 */
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import { numberOption } from '../option-readers.js'
import { deriveSharedKeys, type SharedKeys } from './keys.js'
import type { SharedRptStore } from './store.js'

/** How a shared level talks to its store; see {@link createSharedLevel}. */
export interface SharedLevelOptions {
  /** The store the fleet shares. */
  readonly store: SharedRptStore
  /** `cache.sharedSecret`: at least 32 bytes, the same on every instance. */
  readonly secret: string | Uint8Array
  /**
   * How long one store call may take, in milliseconds, before it counts as a failure.
   * @default 100
   */
  readonly opTimeoutMs?: number
  /**
   * How long the lock of a first use lasts, in milliseconds: the longest one introspection may
   * take (the RS's `timeoutMs`).
   * @default 5000
   */
  readonly lockTtlMs?: number
  /**
   * The longest an entry lives after its check, in milliseconds (`cache.maxTtlSeconds`); longer
   * claims read from the store are refused.
   * @default 60000
   */
  readonly maxTtlMs?: number
  /**
   * The longest value read from the store, in characters; longer ones are refused unparsed.
   * @default 65536
   */
  readonly maxEntryLength?: number
  /**
   * How long `revoke` waits for the store, in milliseconds.
   * @default 1000
   */
  readonly revokeTimeoutMs?: number
  /**
   * How far apart the instances' clocks may be, in milliseconds.
   * @default 1000
   */
  readonly clockToleranceMs?: number
  /** The clock, in milliseconds since the epoch. */
  readonly now?: () => number
}

/** The options resolved. */
export interface ResolvedSharedLevelOptions {
  readonly store: SharedRptStore
  readonly keys: SharedKeys
  readonly opTimeoutMs: number
  readonly lockTtlMs: number
  readonly maxTtlMs: number
  readonly maxEntryLength: number
  readonly revokeTimeoutMs: number
  readonly clockToleranceMs: number
  readonly now: () => number
}

const STORE_METHODS = ['get', 'set', 'setIfAbsent', 'publish', 'subscribe'] as const

function checkStore(store: unknown): SharedRptStore {
  const ok =
    typeof store === 'object' &&
    store !== null &&
    STORE_METHODS.every((m) => typeof (store as Record<string, unknown>)[m] === 'function')
  if (!ok) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `the shared store must have ${STORE_METHODS.join(', ')}, received ${describeReceived(store)}`,
    )
  }
  return store as SharedRptStore
}

/**
 * Checks the options and fills in the defaults.
 *
 * @param o - the options
 * @returns the resolved options
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` or `ERR_INVALID_ARG_VALUE` for a bad option
 */
export function resolveSharedLevelOptions(o: SharedLevelOptions): ResolvedSharedLevelOptions {
  const positive = (name: string, value: unknown, fallback: number) =>
    numberOption(`cache.shared.${name}`, value, fallback, { min: 1, integer: true })
  if (o.now !== undefined && typeof o.now !== 'function') {
    throw argumentError('ERR_INVALID_ARG_TYPE', 'now must be a function')
  }
  return Object.freeze({
    store: checkStore(o.store),
    keys: deriveSharedKeys(o.secret, 'options.cache.sharedSecret'),
    opTimeoutMs: positive('opTimeoutMs', o.opTimeoutMs, 100),
    lockTtlMs: positive('lockTtlMs', o.lockTtlMs, 5000),
    maxTtlMs: positive('maxTtlMs', o.maxTtlMs, 60_000),
    maxEntryLength: positive('maxEntryLength', o.maxEntryLength, 65_536),
    revokeTimeoutMs: positive('revokeTimeoutMs', o.revokeTimeoutMs, 1000),
    clockToleranceMs: numberOption('cache.shared.clockToleranceMs', o.clockToleranceMs, 1000),
    now: o.now ?? Date.now,
  })
}
