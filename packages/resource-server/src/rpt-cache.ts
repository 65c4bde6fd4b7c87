/**
 * @module Checked RPTs kept in memory, keyed by the SHA-256 of the token, never the token.
 * Active and inactive answers live in two caches, each bounded, so that a flood of distinct
 * unknown tokens can never push out the RPTs that were checked; the active one is bounded by
 * size too, so that large answers cannot take the heap.
 */
import { hash } from 'node:crypto'
import { createSingleFlight, isJsonObject, numberMember } from '@uma-kit/core/internal'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import type { ResolvedCache } from './cache-options.js'
import type { CheckedRpt } from './checked-rpt.js'
import { loadThroughFleet } from './fleet-load.js'
import { rememberKeys } from './key-memo.js'
import type { SharedLevel } from './shared/shared-level.js'

/** A check of an RPT and whether it came from the cache. */
export interface RptCheck {
  readonly rpt: CheckedRpt
  readonly cached: boolean
}

/** Checks RPTs through the cache. */
export interface RptCache {
  /**
   * The check of an RPT: from the cache, from the check in flight for the same token, or from
   * `load`. Failures are never kept.
   */
  check(
    token: string,
    load: (token: string) => Promise<CheckedRpt>,
    key?: string,
  ): Promise<RptCheck>
  /**
   * The cache key of a token; handing it to `check` saves hashing the token again. With a
   * holder (the request's socket), the key of the last token the holder sent is remembered.
   */
  key(token: string, holder?: object): string
  /**
   * The cached check under a key, without loading: the hot path of a cache hit, which
   * allocates nothing.
   */
  get(key: string): CheckedRpt | undefined
  /** Forgets one token here and, with a shared store, on every instance of the fleet. */
  revoke(token: string): Promise<void>
  /** How many entries are kept: active, inactive. */
  readonly size: { active: number; inactive: number; activeBytes: number }
  /** Forgets every entry and stops hearing the fleet's revocations. */
  close(): void
}

interface Entry {
  readonly rpt: CheckedRpt
  /** Milliseconds since the epoch by `now()`, checked on every read: the only expiry. */
  readonly expiresAt: number
}

/**
 * The cache key: SHA-256 of the token, so no cache holds a usable token. Its 32 bytes are kept
 * as a 32-character binary (latin1) string: a key is only ever compared, never shown, and encoding it
 * in base64url cost a tenth of the hash on every request.
 *
 * @param token - the RPT
 * @returns the key
 */
export function tokenKey(token: string): string {
  // the one-shot hash is about twice as fast as createHash() on a JWT-sized token
  return hash('sha256', token, 'binary')
}

/** The JWT's own `exp`, read without trusting it: it may only shorten an entry's life. */
function unverifiedExp(token: string): number | undefined {
  try {
    const payload: unknown = decodeJwt(token)
    return isJsonObject(payload) ? numberMember(payload, 'exp') : undefined
  } catch {
    return undefined
  }
}

/**
 * How long a check may be kept, in milliseconds: an active one until the earliest of its `exp`,
 * the JWT's `exp` and `maxTtlSeconds`; an inactive one for `inactiveTtlSeconds` (RFC 7662 §4).
 *
 * @internal
 */
export function lifetimeMs(
  token: string,
  rpt: CheckedRpt,
  limits: { maxTtlSeconds: number; inactiveTtlSeconds: number },
  nowMs: number,
  toleranceMs: number,
): number {
  if (!rpt.active) return limits.inactiveTtlSeconds * 1000
  let until = nowMs + limits.maxTtlSeconds * 1000
  if (rpt.exp !== undefined) until = Math.min(until, rpt.exp * 1000 + toleranceMs)
  const jwtExp = unverifiedExp(token)
  if (jwtExp !== undefined) until = Math.min(until, jwtExp * 1000 + toleranceMs)
  return until - nowMs
}

/**
 * The options of every read: lru-cache makes a new `{}` for each `get` without them, and a hit
 * is a read on every request. It writes only `status` into them, anew on each read.
 */
const READ: LRUCache.GetOptions<string, Entry, unknown> = {}

/** The fleet behind a cache: the shared level and what binds its keys to one AS. */
export interface CacheFleet {
  readonly level: SharedLevel
  /** The AS whose answers this cache keeps: part of every shared key. */
  readonly issuer: string
  /** How long a follower waits for the leader's answer (the RS's `timeoutMs`). */
  readonly waitMs: number
}

/**
 * Creates the RPT cache of one AS. With `cache: false` nothing is kept, but concurrent checks
 * of one token still share one call. With a fleet, a miss reads the shared store before the AS,
 * one instance asks the AS for the whole fleet, and revocations heard from the fleet are
 * applied here.
 *
 * @param limits - the resolved cache options
 * @param toleranceSeconds - the clock tolerance, which an entry may outlive `exp` by
 * @param now - the clock
 * @param fleet - the shared level, where `cache.shared` is set
 * @returns the cache
 */
export function createRptCache(
  limits: ResolvedCache,
  toleranceSeconds: number,
  now: () => number = Date.now,
  fleet?: CacheFleet,
): RptCache {
  const active =
    limits === false
      ? undefined
      : new LRUCache<string, Entry>({
          max: limits.max,
          maxSize: limits.maxBytes,
          // one answer may not take more than a tenth of the budget: it is used, not kept
          maxEntrySize: Math.floor(limits.maxBytes / 10),
          sizeCalculation: (entry) => Math.max(1, entry.rpt.sizeBytes),
        })
  const inactive =
    limits === false ? undefined : new LRUCache<string, Entry>({ max: limits.inactiveMax })
  const flights = createSingleFlight<string, RptCheck>()
  // a shared key binds the token to this AS: another AS's answer for it is never this one's
  const keyOf =
    fleet === undefined
      ? tokenKey
      : (token: string) => fleet.level.localKey(`${fleet.issuer}\n${token}`)
  // revocations heard while a load was in flight must keep its answer out of the cache
  const revokedAt = new LRUCache<string, number>({ max: 10_000, ttl: 60_000 })
  let allRevokedAt = 0
  const stopHearing = fleet?.level.onRevoked((revocation) => {
    if (revocation.kind === 'all') {
      allRevokedAt = now()
      active?.clear()
      inactive?.clear()
      return
    }
    revokedAt.set(revocation.localKey, now())
    active?.delete(revocation.localKey)
    inactive?.delete(revocation.localKey)
  })
  const lifetime = (token: string, rpt: CheckedRpt) =>
    limits === false ? 0 : lifetimeMs(token, rpt, limits, now(), toleranceSeconds * 1000)

  async function load(
    key: string,
    token: string,
    loader: (token: string) => Promise<CheckedRpt>,
  ): Promise<RptCheck> {
    const started = now()
    const loaded =
      fleet === undefined
        ? { rpt: await loader(token), shared: false, sharedUntil: undefined }
        : await loadThroughFleet(
            { level: fleet.level, waitMs: fleet.waitMs, lifetimeMs: lifetime, now },
            key,
            token,
            loader,
          )
    const { rpt } = loaded
    const revoked = Math.max(allRevokedAt, revokedAt.get(key) ?? 0)
    if (limits !== false && revoked < started) {
      // the fleet's word can only shorten what the local rules allow
      const until = Math.min(now() + lifetime(token, rpt), loaded.sharedUntil ?? Infinity)
      const ttl = until - now()
      const store = rpt.active ? active : inactive
      // no LRU ttl: expiresAt is checked on every read, and the LRU's own clock would cost a
      // timer every millisecond and a clock read per hit; an expired entry that is never read
      // again is pushed out by the bounds
      if (ttl > 0) store?.set(key, { rpt, expiresAt: until })
    }
    return { rpt, cached: loaded.shared }
  }

  function cached(key: string): CheckedRpt | undefined {
    const entry = active?.get(key, READ) ?? inactive?.get(key, READ)
    if (entry === undefined) return undefined
    if (entry.expiresAt > now()) return entry.rpt
    active?.delete(key)
    inactive?.delete(key)
    return undefined
  }

  return {
    check(token, loader, key = keyOf(token)) {
      const rpt = cached(key)
      if (rpt !== undefined) return Promise.resolve({ rpt, cached: true })
      return flights.run(key, () => load(key, token, loader))
    },
    key: rememberKeys(keyOf),
    get: cached,
    async revoke(token) {
      const key = keyOf(token)
      revokedAt.set(key, now())
      active?.delete(key)
      inactive?.delete(key)
      await fleet?.level.revoke(key)
    },
    get size() {
      return {
        active: active?.size ?? 0,
        inactive: inactive?.size ?? 0,
        activeBytes: active?.calculatedSize ?? 0,
      }
    },
    close() {
      stopHearing?.()
      active?.clear()
      inactive?.clear()
    },
  }
}
