/**
 * @module The options of `createUmaFetch`, `createUmaClient` and `umaInterceptor`, checked once
 * so that a mistake shows at construction, not on the first 401.
 */
import type { ClientAuth, RequiredClaim, UmaServerMetadata } from '@uma-kit/core'
import {
  DEFAULT_TIMEOUT_MS,
  argumentError,
  checkManualMetadata,
  describeReceived,
  isLoopbackUrl,
  noClientAuth,
  normalizeIssuer,
  readOptions,
  resolveClientAuth,
} from '@uma-kit/core/internal'

/** What the `claims` callback is told. */
export interface ClaimsContext {
  /** The AS asking (a trusted issuer). */
  asUri: string
  /** The ticket the claims will go with. */
  ticket: string
  /** What the AS asked for in `need_info`; `undefined` before the first grant request. */
  requiredClaims?: RequiredClaim[] | undefined
}

/** A pushed claim token (UMA Grant §3.3.1). */
export interface ClaimToken {
  claim_token: string
  claim_token_format: string
}

/** Options of {@link createUmaFetch}, {@link createUmaClient} and {@link umaInterceptor}. */
export interface UmaFetchOptions {
  /** `as_uri` values this client may talk to; nothing is sent to any other. Required. */
  trustedIssuers: string[]
  /** The client's registration at the AS. */
  clientId: string
  /** `client_secret_basic` at the token endpoint. */
  clientSecret?: string | undefined
  /** openid-client's `ClientAuth` (`ClientSecretPost`, `PrivateKeyJwt`, `None`, ...). */
  clientAuth?: ClientAuth | undefined
  /** The requesting party's token, sent as `Authorization: Bearer` on token requests (Keycloak). */
  requestingPartyToken?: (() => Promise<string | undefined>) | undefined
  /**
   * Claims to push: called before the first grant request (`requiredClaims` undefined) and on
   * each `need_info` (at most 3 rounds).
   */
  claims?: ((ctx: ClaimsContext) => Promise<ClaimToken | undefined>) | undefined
  /** What to do with `request_submitted`: reject (default), or poll up to `pollMaxWaitMs`. */
  onRequestSubmitted?: 'throw' | { pollMaxWaitMs: number } | undefined
  /** The RPT cache: `false` keeps no RPT between calls. @default { max: 1000 } */
  rptCache?: false | { max?: number } | undefined
  /** Bound on each call to the AS, in milliseconds. @default 5000 */
  timeoutMs?: number | undefined
  /** Endpoints set by hand, per trusted issuer, for ASes with no discovery document. */
  metadata?: Record<string, Partial<UmaServerMetadata>> | undefined
  /** The `fetch` used for resource and AS requests. @default globalThis.fetch */
  fetch?: typeof fetch | undefined
  /** Extra scopes asked for on every grant request (`scope`); only pre-registered ones count. */
  scope?: string | string[] | undefined
  /** Largest `ReadableStream` request body buffered for a replay. @default 1 MiB */
  maxReplayBytes?: number | undefined
}

/** The options after checking. */
export interface ResolvedClientOptions {
  readonly trustedIssuers: readonly string[]
  readonly clientId: string
  readonly clientAuth: ClientAuth
  readonly requestingPartyToken: (() => Promise<string | undefined>) | undefined
  readonly claims: ((ctx: ClaimsContext) => Promise<ClaimToken | undefined>) | undefined
  readonly pollMaxWaitMs: number | undefined
  readonly rptCacheMax: number
  readonly timeoutMs: number
  readonly metadata: ReadonlyMap<string, Readonly<Partial<UmaServerMetadata>>>
  readonly fetch: typeof fetch
  readonly scope: string | undefined
  readonly maxReplayBytes: number
  /** Values scrubbed from anything the AS echoes into an error (the client secret). */
  readonly sensitive: readonly string[]
}

const DEFAULT_RPT_CACHE_MAX = 1000
const DEFAULT_MAX_REPLAY_BYTES = 1024 * 1024

function fail(name: string, expected: string, value: unknown): never {
  throw argumentError(
    'ERR_INVALID_ARG_TYPE',
    `options.${name} must be ${expected}, received ${describeReceived(value)}`,
  )
}

function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(name, 'a function', value)
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a positive number', value)
  }
  return value
}

/**
 * Whether a URL may carry tokens or a browser: https, or plain http on a loopback address.
 *
 * @param url - an absolute URL
 * @returns whether it is acceptable
 */
export function isHttpsOrLoopback(url: string | URL): boolean {
  const { protocol } = typeof url === 'string' ? new URL(url) : url
  return protocol === 'https:' || (protocol === 'http:' && isLoopbackUrl(url))
}

function readTrustedIssuers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('trustedIssuers', 'a non-empty array of issuer URLs', value)
  }
  return value.map((issuer: unknown, i) => {
    const normalized = normalizeIssuer(issuer, `options.trustedIssuers[${i}]`)
    if (!isHttpsOrLoopback(normalized)) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `options.trustedIssuers[${i}] must be https (plain http is allowed on loopback only)`,
      )
    }
    return normalized
  })
}

function readMetadata(
  value: unknown,
  trusted: readonly string[],
): Map<string, Readonly<Partial<UmaServerMetadata>>> {
  const out = new Map<string, Readonly<Partial<UmaServerMetadata>>>()
  if (value === undefined) return out
  const byIssuer = readOptions<Record<string, unknown>>(value, 'options.metadata')
  for (const [issuer, manual] of Object.entries(byIssuer)) {
    const key = normalizeIssuer(issuer, 'an options.metadata key')
    if (!trusted.includes(key)) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        'options.metadata has an issuer that is not in options.trustedIssuers',
      )
    }
    out.set(key, checkManualMetadata(manual, `options.metadata["${key}"]`))
  }
  return out
}

function readScope(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? value.split(' ') : value
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || /[\s"\\]/.test(s))) {
    fail('scope', 'a scope string or an array of scope names', value)
  }
  const scopes = (list as string[]).filter((s) => s !== '')
  return scopes.length === 0 ? undefined : scopes.join(' ')
}

/**
 * Checks the options of every client entry point.
 *
 * @param value - what the caller passed
 * @returns the checked options
 * @throws {TypeError} naming the first bad option (never echoing a secret)
 */
export function resolveClientOptions(value: unknown): ResolvedClientOptions {
  if (value === undefined || value === null) fail('', 'an object', value)
  const options = readOptions<UmaFetchOptions>(value, 'options')
  const trustedIssuers = readTrustedIssuers(options.trustedIssuers)
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    fail('clientId', 'a non-empty string', options.clientId)
  }
  let pollMaxWaitMs: number | undefined
  const submitted: unknown = options.onRequestSubmitted
  if (submitted !== undefined && submitted !== 'throw') {
    const poll = readOptions<{ pollMaxWaitMs: number }>(submitted, 'options.onRequestSubmitted')
    pollMaxWaitMs = positiveNumber(
      'onRequestSubmitted.pollMaxWaitMs',
      poll.pollMaxWaitMs,
      Number.NaN,
    )
    if (Number.isNaN(pollMaxWaitMs)) fail('onRequestSubmitted.pollMaxWaitMs', 'a number', undefined)
  }
  let rptCacheMax = DEFAULT_RPT_CACHE_MAX
  const rptCache: unknown = options.rptCache
  if (rptCache === false) rptCacheMax = 0
  else if (rptCache !== undefined) {
    const cache = readOptions<{ max: number }>(rptCache, 'options.rptCache')
    rptCacheMax = Math.floor(positiveNumber('rptCache.max', cache.max, DEFAULT_RPT_CACHE_MAX))
  }
  for (const name of ['fetch', 'requestingPartyToken', 'claims'] as const) {
    checkFunction(name, options[name])
  }
  return Object.freeze({
    trustedIssuers: Object.freeze(trustedIssuers),
    clientId: options.clientId,
    // a public client is legitimate here (Keycloak's requesting-party token, SolidLab)
    clientAuth: resolveClientAuth(options.clientSecret, options.clientAuth) ?? noClientAuth(),
    requestingPartyToken: options.requestingPartyToken,
    claims: options.claims,
    pollMaxWaitMs,
    rptCacheMax,
    timeoutMs: positiveNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    metadata: readMetadata(options.metadata, trustedIssuers),
    // looked up per call, so a test or an app that swaps globalThis.fetch later is honoured
    fetch: options.fetch ?? defaultFetch,
    scope: readScope(options.scope),
    sensitive: Object.freeze(
      typeof options.clientSecret === 'string' ? [options.clientSecret] : [],
    ),
    maxReplayBytes: positiveNumber(
      'maxReplayBytes',
      options.maxReplayBytes,
      DEFAULT_MAX_REPLAY_BYTES,
    ),
  })
}

const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)

/**
 * Finds the trusted issuer an `as_uri` names, comparing normalised URLs, never prefixes.
 *
 * @param asUri - the challenge's `as_uri`
 * @param trusted - the normalised `trustedIssuers`
 * @returns the trusted issuer, or `undefined`
 */
export function findTrustedIssuer(asUri: string, trusted: readonly string[]): string | undefined {
  let normalized: string
  try {
    normalized = normalizeIssuer(asUri)
  } catch {
    return undefined
  }
  return trusted.find((issuer) => issuer === normalized)
}
