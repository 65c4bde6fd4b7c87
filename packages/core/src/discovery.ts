/**
 * @module Authorization-server discovery (UMA Grant §2, RFC 8414) and its cache.
 */
import { LRUCache } from 'lru-cache'
import { UmaError, argumentError, describeReceived, readOptions } from './errors.js'
import { DEFAULT_TIMEOUT_MS, callAs, type AsResponse } from './http.js'
import { isJsonObject } from './json.js'
import { createSingleFlight } from './single-flight.js'
import type { UmaServerMetadata } from './types.js'
import { normalizeIssuer, sameIssuer } from './url.js'

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch | undefined
  /** Bound on each request, headers and body. @default 5000 */
  timeoutMs?: number | undefined
  /** Aborts the discovery. */
  signal?: AbortSignal | undefined
}

/** Where the metadata document may be, in the order tried. */
function candidateUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const appended = `${issuer}/.well-known/uma2-configuration`
  // RFC 8414 §3.1 inserts the suffix between host and path; it differs only when there is a path
  const inserted =
    url.pathname === '/' || url.pathname === ''
      ? appended
      : `${url.origin}/.well-known/uma2-configuration${url.pathname.replace(/\/$/, '')}`
  // Apereo CAS serves a UMA 1.0 document (Apereo CAS: see the README's vendor notes)
  const uma1 = `${issuer}/.well-known/uma-configuration`
  return [...new Set([appended, inserted, uma1])]
}

/** UMA 1.0 and old Keycloak names (the README's vendor notes), read when the UMA 2.0 name is absent. */
const ALIASES: readonly (readonly [string, string])[] = [
  ['introspection_endpoint', 'token_introspection_endpoint'],
  ['resource_registration_endpoint', 'resource_set_registration_endpoint'],
  ['permission_endpoint', 'permission_registration_endpoint'],
  ['claims_interaction_endpoint', 'requesting_party_claims_endpoint'],
]

const URL_MEMBERS = [
  'token_endpoint',
  'introspection_endpoint',
  'jwks_uri',
  'resource_registration_endpoint',
  'permission_endpoint',
  'claims_interaction_endpoint',
  'authorization_endpoint',
  'revocation_endpoint',
  'registration_endpoint',
] as const

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Checks a metadata document and folds vendor variants into the UMA 2.0 names. Endpoint members
 * that are not http(s) URLs are dropped, so later code never calls a `javascript:` or relative URL.
 *
 * @param document - the parsed JSON document
 * @param issuer - the issuer it must name
 * @returns frozen metadata
 * @throws {UmaError} `issuer_mismatch`, or `discovery_failed` without a usable `token_endpoint`
 */
export function validateMetadata(document: unknown, issuer: string): UmaServerMetadata {
  if (!isJsonObject(document)) {
    throw new UmaError('discovery_failed', `the metadata of ${issuer} is not a JSON object`)
  }
  if (!sameIssuer(document.issuer, issuer)) {
    throw new UmaError(
      'issuer_mismatch',
      `the metadata document found for ${issuer} names the issuer ${describeIssuer(document.issuer)}`,
    )
  }
  const metadata = new Map<string, unknown>(Object.entries(document))
  for (const [name, alias] of ALIASES) {
    if (metadata.get(name) === undefined && metadata.get(alias) !== undefined) {
      metadata.set(name, metadata.get(alias))
    }
  }
  for (const name of URL_MEMBERS) {
    if (metadata.has(name) && !isHttpUrl(metadata.get(name))) metadata.delete(name)
  }
  if (!metadata.has('token_endpoint')) {
    throw new UmaError('discovery_failed', `the metadata of ${issuer} has no valid token_endpoint`)
  }
  return Object.freeze(Object.fromEntries(metadata)) as UmaServerMetadata
}

/** The issuer a document names, for a message: a URL-ish string, cut short, or what it is. */
function describeIssuer(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'none' : `of type ${typeof value}`
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value
  return JSON.stringify(shown)
}

/** How long a response may be reused, from `Cache-Control` (`no-store`, `no-cache` → 0). */
export function maxAgeSeconds(response: Pick<AsResponse, 'headers'>): number | undefined {
  const header = response.headers.get('cache-control')
  if (header === null) return undefined
  const directives = header.toLowerCase()
  if (/(^|[\s,])(no-store|no-cache)\b/.test(directives)) return 0
  const match = /(^|[\s,])max-age\s*=\s*"?(\d{1,10})"?/.exec(directives)
  return match?.[2] === undefined ? undefined : Number(match[2])
}

/** A discovered document and how long its server allows it to be kept. */
interface Discovered {
  metadata: UmaServerMetadata
  maxAgeSeconds: number | undefined
}

function checkTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.timeoutMs must be a positive number, received ${describeReceived(timeoutMs)}`,
    )
  }
  return timeoutMs
}

function checkFetch(value: unknown): typeof fetch | undefined {
  if (value === undefined || typeof value === 'function') return value as typeof fetch | undefined
  throw argumentError(
    'ERR_INVALID_ARG_TYPE',
    `options.fetch must be a function, received ${describeReceived(value)}`,
  )
}

/** Options of one discovery, inside the packages. */
export interface DiscoveryCallOptions {
  readonly fetch: typeof fetch | undefined
  /** Bound on the whole discovery, every place tried included. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal | undefined
  /** When the operation the discovery belongs to must be over (ms since the epoch). */
  readonly deadline?: number | undefined
}

async function discoverWithAge(issuer: string, options: DiscoveryCallOptions): Promise<Discovered> {
  // one bound for every place tried: three fallbacks must not make three timeouts. The first
  // place has all of timeoutMs (a deadline set here would already be a millisecond short when
  // the call reads it, and its timeout message would name 49 ms of a 50 ms bound); the next
  // ones have what is left of it
  const ownDeadline = Math.min(options.deadline ?? Infinity, Date.now() + options.timeoutMs)
  const tried: string[] = []
  for (const [index, url] of candidateUrls(issuer).entries()) {
    const deadline = index === 0 ? options.deadline : ownDeadline
    const response = await callAs(
      url,
      { method: 'GET', headers: { accept: 'application/json' } },
      { ...options, deadline, purpose: 'discovery' },
    )
    if (response.status >= 500) {
      throw new UmaError(
        'as_error',
        `discovery of ${issuer} answered HTTP ${response.status} at ${url}`,
        {
          asStatus: response.status,
        },
      )
    }
    if (response.status < 200 || response.status > 299) {
      tried.push(`${url} (HTTP ${response.status})`)
      continue
    }
    if (!response.isJson) {
      // a catch-all HTML page at one place does not rule out a document at the next
      tried.push(`${url} (not JSON)`)
      continue
    }
    return {
      metadata: validateMetadata(response.json, issuer),
      maxAgeSeconds: maxAgeSeconds(response),
    }
  }
  throw new UmaError(
    'discovery_failed',
    `discovery of ${issuer} failed: no metadata document at ${tried.join(', ')}`,
  )
}

/**
 * Reads the UMA metadata of an AS: `<asUri>/.well-known/uma2-configuration`, then the RFC 8414
 * inserted form, then CAS's `<asUri>/.well-known/uma-configuration`. Redirects are not followed.
 * The document's `issuer` must equal `asUri` (a trailing slash aside) and `token_endpoint` must be
 * an http(s) URL. UMA 1.0 names (CAS) and `token_introspection_endpoint` (old Keycloak) are read
 * as their UMA 2.0 equivalents.
 *
 * @param asUri - the AS's issuer, e.g. a challenge's `as_uri`
 * @param options - `fetch`, `timeoutMs` (each request; default 5000), `signal`
 * @returns the metadata, frozen
 * @throws {TypeError} for an `asUri` that is not an http(s) URL without query or fragment
 * @throws {UmaError} `as_unreachable` (network error, timeout), `as_error` (5xx),
 *   `issuer_mismatch`, `discovery_failed` (no document, not JSON, no `token_endpoint`)
 * @see UMA Grant §2, RFC 8414 §3
 * @example
 * ```ts
 * const metadata = await discover('https://kc.example/realms/photos')
 * metadata.permission_endpoint // 'https://kc.example/realms/photos/authz/protection/permission'
 * ```
 */
export async function discover(
  asUri: string | URL,
  options: DiscoverOptions = {},
): Promise<UmaServerMetadata> {
  const issuer = normalizeIssuer(asUri, 'asUri')
  const opts = readOptions<DiscoverOptions>(options, 'options')
  const resolved = {
    fetch: checkFetch(opts.fetch),
    timeoutMs: checkTimeout(opts.timeoutMs),
    signal: opts.signal,
  }
  return (await discoverWithAge(issuer, resolved)).metadata
}

/** Options of {@link createDiscoveryCache}. */
export interface DiscoveryCacheOptions {
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch | undefined
  /** How long a document is kept when the AS sends no `Cache-Control: max-age`. @default 3600 */
  ttlSeconds?: number | undefined
  /** Bound on each request. @default 5000 */
  timeoutMs?: number | undefined
  /** How many issuers are kept. @default 100 */
  max?: number | undefined
  /** Upper bound on a server's own `max-age`. @default 86400 */
  maxTtlSeconds?: number | undefined
  /** @internal clock for tests */
  now?: (() => number) | undefined
}

/** A discovery cache; see {@link createDiscoveryCache}. */
export interface DiscoveryCache {
  /**
   * The metadata of an AS, from the cache or discovered.
   *
   * @param asUri - the AS's issuer
   * @returns the metadata
   * @throws {UmaError} as {@link discover}
   */
  get(asUri: string | URL): Promise<UmaServerMetadata>
  /**
   * Forgets one AS's document, so the next `get` discovers it again.
   *
   * @param asUri - the AS's issuer
   */
  delete(asUri: string | URL): void
  /** Forgets every document. */
  clear(): void
}

function checkPositive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be a non-negative number, received ${describeReceived(value)}`,
    )
  }
  return value
}

/**
 * Creates a discovery cache: a document is kept for the server's `Cache-Control: max-age`
 * (bounded by `maxTtlSeconds`), else for `ttlSeconds`; concurrent `get`s of one AS share one
 * discovery; a failed discovery is not kept.
 *
 * @param options - `fetch`, `ttlSeconds`, `timeoutMs`, `max`, `maxTtlSeconds`
 * @returns the cache
 * @throws {TypeError} for invalid options
 * @example
 * ```ts
 * const discovery = createDiscoveryCache({ ttlSeconds: 600 })
 * const metadata = await discovery.get('https://as.example')
 * ```
 */
export function createDiscoveryCache(options: DiscoveryCacheOptions = {}): DiscoveryCache {
  const opts = readOptions<DiscoveryCacheOptions>(options, 'options')
  const fetchImpl = checkFetch(opts.fetch)
  const timeoutMs = checkTimeout(opts.timeoutMs)
  const ttlSeconds = checkPositive('ttlSeconds', opts.ttlSeconds, 3600)
  const maxTtlSeconds = checkPositive('maxTtlSeconds', opts.maxTtlSeconds, 86_400)
  const max = Math.max(1, Math.floor(checkPositive('max', opts.max, 100)))
  const now = opts.now ?? Date.now
  const entries = new LRUCache<string, { metadata: UmaServerMetadata; expiresAt: number }>({ max })
  const flights = createSingleFlight<string, UmaServerMetadata>()

  async function load(issuer: string): Promise<UmaServerMetadata> {
    const found = await discoverWithAge(issuer, { fetch: fetchImpl, timeoutMs })
    const seconds = Math.min(found.maxAgeSeconds ?? ttlSeconds, maxTtlSeconds)
    if (seconds > 0)
      entries.set(issuer, { metadata: found.metadata, expiresAt: now() + seconds * 1000 })
    return found.metadata
  }

  return {
    async get(asUri) {
      const issuer = normalizeIssuer(asUri, 'asUri')
      const entry = entries.get(issuer)
      if (entry !== undefined) {
        if (entry.expiresAt > now()) return entry.metadata
        entries.delete(issuer)
      }
      return flights.run(issuer, () => load(issuer))
    },
    delete(asUri) {
      try {
        entries.delete(normalizeIssuer(asUri, 'asUri'))
      } catch {
        // nothing can be cached under an invalid issuer
      }
    },
    clear() {
      entries.clear()
    },
  }
}
