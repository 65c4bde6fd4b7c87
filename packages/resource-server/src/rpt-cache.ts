/**
 * @module Checked RPTs kept in memory, keyed by the SHA-256 of the token, never the token.
 */
import { hash } from 'node:crypto'
import { normalizePermissions, type RptIntrospection } from '@uma-kit/core'
import { createSingleFlight, isJsonObject, numberMember } from '@uma-kit/core/internal'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import type { CheckedRpt } from './decision.js'
import type { ResolvedOptions } from './options.js'

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
    load: (token: string) => Promise<RptIntrospection>,
    key?: string,
  ): Promise<RptCheck>
  /**
   * The cached check of a token, without loading: the hot path of a cache hit, taken before
   * anything else is done with the token. Its `key` saves `check` hashing the token again.
   */
  peek(token: string): { key: string; rpt: CheckedRpt | undefined }
  /** Forgets every entry. */
  clear(): void
}

interface Entry {
  readonly rpt: CheckedRpt
  /** Milliseconds since the epoch by `now()`, checked on every read as well as by the LRU. */
  readonly expiresAt: number
}

/** The cache key: SHA-256 of the token, so no cache holds a usable token. */
function tokenKey(token: string): string {
  // the one-shot hash is about twice as fast as createHash() on a JWT-sized token
  return hash('sha256', token, 'base64url')
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
 */
function lifetimeMs(
  token: string,
  introspection: RptIntrospection,
  limits: { maxTtlSeconds: number; inactiveTtlSeconds: number },
  nowMs: number,
  toleranceMs: number,
): number {
  if (!introspection.active) return limits.inactiveTtlSeconds * 1000
  let until = nowMs + limits.maxTtlSeconds * 1000
  const exp = numberMember(introspection, 'exp')
  if (exp !== undefined) until = Math.min(until, exp * 1000 + toleranceMs)
  const jwtExp = unverifiedExp(token)
  if (jwtExp !== undefined) until = Math.min(until, jwtExp * 1000 + toleranceMs)
  return until - nowMs
}

/**
 * Creates the RPT cache of a resource server. With `cache: false` nothing is kept, but
 * concurrent checks of one token still share one call.
 *
 * @param options - the resolved options
 * @param now - the clock
 * @returns the cache
 */
export function createRptCache(options: ResolvedOptions, now: () => number = Date.now): RptCache {
  const limits = options.cache
  const entries =
    limits === false
      ? undefined
      : new LRUCache<string, Entry>({ max: limits.max, ttlAutopurge: false })
  const flights = createSingleFlight<string, RptCheck>()

  async function load(
    key: string,
    token: string,
    loader: (token: string) => Promise<RptIntrospection>,
  ): Promise<RptCheck> {
    const introspection = await loader(token)
    const rpt: CheckedRpt = { introspection, permissions: normalizePermissions(introspection) }
    if (entries !== undefined && limits !== false) {
      const ttl = lifetimeMs(
        token,
        introspection,
        limits,
        now(),
        options.clockToleranceSeconds * 1000,
      )
      if (ttl > 0) entries.set(key, { rpt, expiresAt: now() + ttl }, { ttl })
    }
    return { rpt, cached: false }
  }

  function cached(key: string): CheckedRpt | undefined {
    const entry = entries?.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > now()) return entry.rpt
    entries?.delete(key)
    return undefined
  }

  return {
    check(token, loader, key = tokenKey(token)) {
      const rpt = cached(key)
      if (rpt !== undefined) return Promise.resolve({ rpt, cached: true })
      return flights.run(key, () => load(key, token, loader))
    },
    peek(token) {
      const key = tokenKey(token)
      return { key, rpt: cached(key) }
    },
    clear() {
      entries?.clear()
    },
  }
}
