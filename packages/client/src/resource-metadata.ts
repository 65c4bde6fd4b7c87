/**
 * @module RFC 9728 protected-resource metadata as a second trust check: the ASes a resource
 * server lists in its own document, read from the URL its challenge gives (same origin only),
 * bounded in size and time, and cached.
 */
import { UmaError, isUmaError } from '@uma-kit/core'
import { callAs, createSingleFlight, isJsonObject, normalizeIssuer } from '@uma-kit/core/internal'
import { LRUCache } from 'lru-cache'
import { abortable } from './abort.js'
import { shownUrl } from './shown.js'

/** Largest metadata document read. */
export const MAX_RESOURCE_METADATA_BYTES: number = 64 * 1024
/** Most `authorization_servers` entries read. */
const MAX_SERVERS = 100
/** Longest a document is kept, whatever its `Cache-Control` says. */
const MAX_TTL_SECONDS = 86_400
/** How long a document is kept when its server says nothing. */
const DEFAULT_TTL_SECONDS = 3600

/** What the client keeps of a protected-resource metadata document. */
export interface ResourceMetadataDocument {
  /** The `resource` the document is about. */
  readonly resource: string
  /** `authorization_servers`, normalised; entries that are not issuer URLs are dropped. */
  readonly authorizationServers: readonly string[]
}

/**
 * Reads a protected-resource metadata document (RFC 9728 §2). Never throws but `UmaError`.
 *
 * @param document - the parsed JSON
 * @param where - the document's URL, for messages
 * @returns what the client uses of it
 * @throws {UmaError} `discovery_failed` without a string `resource`
 */
export function readResourceMetadata(document: unknown, where: string): ResourceMetadataDocument {
  if (!isJsonObject(document) || typeof document.resource !== 'string') {
    throw new UmaError(
      'discovery_failed',
      `the resource server's metadata at ${where} is not a document with a resource`,
    )
  }
  const listed = Array.isArray(document.authorization_servers)
    ? document.authorization_servers.slice(0, MAX_SERVERS)
    : []
  const servers: string[] = []
  for (const entry of listed) {
    try {
      servers.push(normalizeIssuer(entry))
    } catch {
      // not an issuer URL: it can name no AS this client would talk to
    }
  }
  return Object.freeze({
    resource: document.resource,
    authorizationServers: Object.freeze(servers),
  })
}

/**
 * Whether a document's `resource` covers the URL requested: the same origin, and a path that is
 * the requested one or a whole-segment prefix of it. RFC 9728 §3.3 asks for identity with the
 * URL requested, which no resource server with more than one resource can meet with one
 * document; this is the rule of its proposed update (draft-mcguinness-oauth-rfc9728bis).
 *
 * @param resource - the document's `resource`
 * @param requested - the resource's URL
 * @returns whether the document is about that resource
 */
export function coversResource(resource: string, requested: URL): boolean {
  let url: URL
  try {
    url = new URL(resource)
  } catch {
    return false
  }
  if (url.origin !== requested.origin || url.hash !== '' || url.username !== '') return false
  if (url.search !== '') return url.href === requested.href.split('#')[0]
  const base = url.pathname
  return (
    requested.pathname === base ||
    requested.pathname.startsWith(base.endsWith('/') ? base : `${base}/`)
  )
}

/**
 * Checks a challenge's `resource_metadata` before anything is fetched from it.
 *
 * @param value - the parameter's value
 * @param requested - the resource that challenged
 * @returns the URL to read
 * @throws {UmaError} `untrusted_issuer` for one that is not a URL on the resource's origin
 */
export function checkMetadataUrl(value: string, requested: URL): URL {
  let url: URL | undefined
  try {
    url = value.length > 2048 ? undefined : new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || url.origin !== requested.origin || url.username !== '') {
    throw new UmaError(
      'untrusted_issuer',
      `the challenge of ${requested.origin} points to resource metadata ${shownUrl(value)} on another origin or not a URL; it is not read`,
    )
  }
  return url
}

function ttlSeconds(cacheControl: string | null): number {
  if (cacheControl === null) return DEFAULT_TTL_SECONDS
  const directives = cacheControl.toLowerCase()
  if (/(^|[\s,])(no-store|no-cache)\b/.test(directives)) return 0
  const match = /(^|[\s,])max-age\s*=\s*"?(\d{1,10})"?/.exec(directives)
  return match?.[2] === undefined
    ? DEFAULT_TTL_SECONDS
    : Math.min(Number(match[2]), MAX_TTL_SECONDS)
}

/** Reads and caches resource servers' metadata documents. */
export interface ResourceMetadataReader {
  /**
   * The document at `url`, from the cache or read.
   *
   * @param url - checked by {@link checkMetadataUrl}
   * @param signal - the caller's cancellation (the read itself is shared, and not cancelled)
   * @returns the document
   * @throws {UmaError} `discovery_failed` when it cannot be read
   */
  get(url: URL, signal?: AbortSignal): Promise<ResourceMetadataDocument>
}

/**
 * Creates the reader.
 *
 * @param options - the `fetch` to use, the bound of each read, a clock for tests
 * @returns the reader
 */
export function createResourceMetadataReader(options: {
  fetch: typeof fetch
  timeoutMs: number
  now?: () => number
}): ResourceMetadataReader {
  const now = options.now ?? Date.now
  const cache = new LRUCache<string, { document: ResourceMetadataDocument; until: number }>({
    max: 100,
  })
  const flights = createSingleFlight<string, ResourceMetadataDocument>()

  async function load(href: string): Promise<ResourceMetadataDocument> {
    const where = shownUrl(href)
    let response
    try {
      response = await callAs(
        href,
        { method: 'GET', headers: { accept: 'application/json' } },
        {
          fetch: options.fetch,
          timeoutMs: options.timeoutMs,
          maxBodyBytes: MAX_RESOURCE_METADATA_BYTES,
          purpose: 'protected-resource metadata request',
        },
      )
    } catch (err) {
      const why = isUmaError(err) ? err.message : 'it failed'
      throw new UmaError('discovery_failed', `the resource server's metadata: ${why}`, {
        cause: err,
      })
    }
    if (response.status !== 200 || !response.isJson) {
      throw new UmaError(
        'discovery_failed',
        `the resource server's metadata at ${where} answered HTTP ${response.status}${response.isJson ? '' : ' without JSON'}`,
        { asStatus: response.status },
      )
    }
    const document = readResourceMetadata(response.json, where)
    const seconds = ttlSeconds(response.headers.get('cache-control'))
    if (seconds > 0) cache.set(href, { document, until: now() + seconds * 1000 })
    return document
  }

  return {
    get(url, signal) {
      const href = url.href
      const entry = cache.get(href)
      if (entry !== undefined && entry.until > now()) return Promise.resolve(entry.document)
      return abortable(
        flights.run(href, () => load(href)),
        signal,
      )
    },
  }
}
