/**
 * @module RPTs and PCTs held by a client: RPTs keyed by (AS issuer, resource origin), so an RPT
 * is never sent to an origin it was not obtained for; PCTs keyed by issuer (UMA Grant §3.3.3:
 * a PCT is bound to the client and the AS, not to a resource server).
 */
import { LRUCache } from 'lru-cache'

/** An RPT held for an origin. */
export interface HeldRpt {
  readonly issuer: string
  readonly rpt: string
}

/** The RPTs and PCTs of one client. */
export interface RptStore {
  /** The RPT last obtained for an origin, from whichever AS issued it. */
  find(origin: string): HeldRpt | undefined
  /** The RPT held for an (issuer, origin) pair. */
  get(issuer: string, origin: string): string | undefined
  /** Keeps an RPT, until `expiresInSeconds` where given. */
  set(issuer: string, origin: string, rpt: string, expiresInSeconds?: number): void
  /** Drops the RPT of a pair, if it is still `rpt`. */
  drop(issuer: string, origin: string, rpt: string): void
  /** The PCT held for an issuer. */
  pct(issuer: string): string | undefined
  /** Keeps a PCT. */
  setPct(issuer: string, pct: string): void
  /** Forgets everything. */
  clear(): void
}

const keyOf = (issuer: string, origin: string) => `${issuer}\n${origin}`

/**
 * Creates an RPT store.
 *
 * @param max - RPTs kept at most; 0 keeps none between calls
 * @returns the store
 */
export function createRptStore(max: number): RptStore {
  const size = Math.max(1, max)
  const rpts = new LRUCache<string, string>({ max: size })
  const issuerByOrigin = new LRUCache<string, string>({ max: size })
  const pcts = new LRUCache<string, string>({ max: 100 })
  const enabled = max > 0

  return {
    find(origin) {
      const issuer = issuerByOrigin.get(origin)
      if (issuer === undefined) return undefined
      const rpt = rpts.get(keyOf(issuer, origin))
      return rpt === undefined ? undefined : { issuer, rpt }
    },
    get: (issuer, origin) => rpts.get(keyOf(issuer, origin)),
    set(issuer, origin, rpt, expiresInSeconds) {
      if (!enabled) return
      const ttl = expiresInSeconds === undefined ? undefined : Math.max(1, expiresInSeconds * 1000)
      rpts.set(keyOf(issuer, origin), rpt, ttl === undefined ? {} : { ttl })
      issuerByOrigin.set(origin, issuer)
    },
    drop(issuer, origin, rpt) {
      const key = keyOf(issuer, origin)
      if (rpts.peek(key) === rpt) rpts.delete(key)
    },
    pct: (issuer) => pcts.get(issuer),
    setPct(issuer, pct) {
      if (enabled) pcts.set(issuer, pct)
    },
    clear() {
      rpts.clear()
      issuerByOrigin.clear()
      pcts.clear()
    },
  }
}
