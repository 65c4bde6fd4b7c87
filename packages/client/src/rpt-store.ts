/**
 * @module RPTs and PCTs held by a client. An RPT is keyed by (party, AS issuer, origin that
 * challenged for it), so it is never sent for another requesting party, to another origin, or to
 * a resource that another AS protects; a PCT by (party, issuer) (UMA Grant §3.3.3: a PCT is
 * bound to the client, the requesting party and the AS, not to a resource server).
 */
import { LRUCache } from 'lru-cache'

/** The RPTs and PCTs of one client. */
export interface RptStore {
  /** The RPT held for a (party, issuer, origin). */
  get(party: string, issuer: string, origin: string): string | undefined
  /** Keeps an RPT, until `expiresInSeconds` where given. */
  set(party: string, issuer: string, origin: string, rpt: string, expiresInSeconds?: number): void
  /** Drops the RPT of a (party, issuer, origin), if it is still `rpt`. */
  drop(party: string, issuer: string, origin: string, rpt: string): void
  /**
   * The RPT to send with a request before any challenge: that of the AS which last challenged
   * for this resource, else that of the origin's only AS. Where the origin's resources are
   * protected by several ASes and this resource is new, none: a wrong AS's RPT is never sent.
   */
  held(party: string, url: URL): string | undefined
  /** Remembers which AS challenged for a resource. */
  learn(url: URL, issuer: string): void
  /**
   * Remembers how many ASes the RS of a resource lists in its RFC 9728 document: with more than
   * one, a resource of that origin not seen yet gets no RPT, whatever RPTs are held there.
   */
  noteAuthorizationServers(url: URL, count: number): void
  /** The PCT held for a (party, issuer). */
  pct(party: string, issuer: string): string | undefined
  /** Keeps a PCT. */
  setPct(party: string, issuer: string, pct: string): void
  /** Forgets everything. */
  clear(): void
}

/** ASes remembered per (party, origin); more than this many is not a real deployment. */
const MAX_ISSUERS_PER_ORIGIN = 32
/** PCTs kept at least, whatever the RPT bound. */
const MIN_PCT_MAX = 100

const keyOf = (...parts: string[]) => parts.join('\n')

/** A resource's identity for `learn`: the URL without its fragment. */
const resourceOf = (url: URL) => (url.hash === '' ? url.href : url.href.slice(0, -url.hash.length))

/**
 * Creates an RPT store.
 *
 * @param max - RPTs kept at most; 0 keeps none between calls
 * @returns the store
 */
export function createRptStore(max: number): RptStore {
  const size = Math.max(1, max)
  const rpts = new LRUCache<string, string>({ max: size })
  const issuersAt = new LRUCache<string, string[]>({ max: size })
  const resources = new LRUCache<string, string>({ max: size })
  // origins whose RS said, in its metadata, that several ASes protect its resources
  const sharedOrigins = new LRUCache<string, true>({ max: size })
  const pcts = new LRUCache<string, string>({ max: Math.max(MIN_PCT_MAX, max) })
  const enabled = max > 0

  return {
    get: (party, issuer, origin) => rpts.get(keyOf(party, issuer, origin)),
    set(party, issuer, origin, rpt, expiresInSeconds) {
      if (!enabled) return
      const ttl = expiresInSeconds === undefined ? undefined : Math.max(1, expiresInSeconds * 1000)
      rpts.set(keyOf(party, issuer, origin), rpt, ttl === undefined ? {} : { ttl })
      const at = keyOf(party, origin)
      const known = issuersAt.get(at) ?? []
      if (!known.includes(issuer)) {
        issuersAt.set(at, [...known, issuer].slice(-MAX_ISSUERS_PER_ORIGIN))
      }
    },
    drop(party, issuer, origin, rpt) {
      const key = keyOf(party, issuer, origin)
      if (rpts.peek(key) === rpt) rpts.delete(key)
    },
    held(party, url) {
      const origin = url.origin
      const protector = resources.get(resourceOf(url))
      if (protector !== undefined) return rpts.get(keyOf(party, protector, origin))
      if (sharedOrigins.has(origin)) return undefined
      const holding = (issuersAt.get(keyOf(party, origin)) ?? []).filter((issuer) =>
        rpts.has(keyOf(party, issuer, origin)),
      )
      const [only] = holding
      return holding.length === 1 && only !== undefined
        ? rpts.get(keyOf(party, only, origin))
        : undefined
    },
    learn(url, issuer) {
      resources.set(resourceOf(url), issuer)
    },
    noteAuthorizationServers(url, count) {
      if (count > 1) sharedOrigins.set(url.origin, true)
    },
    pct: (party, issuer) => pcts.get(keyOf(party, issuer)),
    setPct(party, issuer, pct) {
      if (enabled) pcts.set(keyOf(party, issuer), pct)
    },
    clear() {
      rpts.clear()
      issuersAt.clear()
      resources.clear()
      sharedOrigins.clear()
      pcts.clear()
    },
  }
}
