/**
 * @module The `cache` option: how many checked RPTs are kept, for how long, in how much memory.
 */
import { argumentError, readOptions } from '@uma-kit/core/internal'
import { numberOption } from './option-readers.js'
import type { SharedRptStore } from './shared/store.js'

/** Options of the RPT cache. */
export interface CacheOptions {
  /** Active answers kept at most. @default 10000 */
  max?: number | undefined
  /** Longest life of an active answer, whatever its `exp` (seconds). @default 60 */
  maxTtlSeconds?: number | undefined
  /** Life of an inactive answer (seconds). @default 5 */
  inactiveTtlSeconds?: number | undefined
  /**
   * Memory the active answers may take, counted as the size of each answer's JSON; an answer
   * larger than a tenth of it is used but not kept. @default 32 MiB
   */
  maxBytes?: number | undefined
  /**
   * Inactive answers kept at most, apart from the active ones: a flood of distinct unknown
   * tokens fills this, never pushing out checked RPTs. @default 10000
   */
  inactiveMax?: number | undefined
  /**
   * A second level shared by every instance of a fleet (`redisStore(client)`): a miss here reads
   * it before asking the AS, one instance asks the AS for the whole fleet, and `revoke(rpt)`
   * reaches every instance within a second.
   */
  shared?: SharedRptStore | undefined
  /**
   * Required with `shared`: at least 32 bytes, the same on every instance. Keys are derived from
   * tokens with it and every entry is MACed with it, so that whoever can write to the store
   * cannot open a resource.
   */
  sharedSecret?: string | Uint8Array | undefined
}

/** The cache options after checks and defaults, or `false` for no cache. */
export type ResolvedCache =
  | false
  | {
      readonly max: number
      readonly maxTtlSeconds: number
      readonly inactiveTtlSeconds: number
      readonly maxBytes: number
      readonly inactiveMax: number
      readonly shared: SharedRptStore | undefined
      readonly sharedSecret: string | Uint8Array | undefined
    }

function sharedOptions(shared: unknown, secret: unknown) {
  if ((shared === undefined) !== (secret === undefined)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.cache.shared and options.cache.sharedSecret go together',
    )
  }
  // the store's shape and the secret's length are checked where the shared level is made
  return {
    shared: shared as SharedRptStore | undefined,
    sharedSecret: secret as string | Uint8Array | undefined,
  }
}

/**
 * Checks the `cache` option.
 *
 * @param value - the option
 * @returns the resolved cache options
 * @throws {TypeError} naming the bad member
 */
export function resolveCache(value: unknown): ResolvedCache {
  if (value === false) return false
  const cache = readOptions<Record<keyof CacheOptions, unknown>>(value, 'options.cache')
  const count = { min: 1, max: 10_000_000, integer: true }
  return Object.freeze({
    max: numberOption('cache.max', cache.max, 10_000, count),
    maxTtlSeconds: numberOption('cache.maxTtlSeconds', cache.maxTtlSeconds, 60, { max: 86_400 }),
    inactiveTtlSeconds: numberOption('cache.inactiveTtlSeconds', cache.inactiveTtlSeconds, 5, {
      max: 3600,
    }),
    maxBytes: numberOption('cache.maxBytes', cache.maxBytes, 32 * 1024 * 1024, {
      min: 1024,
      integer: true,
    }),
    inactiveMax: numberOption('cache.inactiveMax', cache.inactiveMax, 10_000, count),
    ...sharedOptions(cache.shared, cache.sharedSecret),
  })
}
