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
  noClientAuth,
  normalizeIssuer,
  normalizeSecureIssuer,
  readOptions,
  resolveClientAuth,
} from '@uma-kit/core/internal'
import {
  readClients,
  type IssuerCredentials,
  type ResolvedCredentials,
} from './client-credentials.js'

/** What the `claims` callback is told. */
export interface ClaimsContext {
  /** The AS asking (a trusted issuer). */
  asUri: string
  /** The ticket the claims will go with. */
  ticket: string
  /** What the AS asked for in `need_info`; `undefined` before the first grant request. */
  requiredClaims?: RequiredClaim[] | undefined
  /** Aborted when the caller's request is: stop gathering claims then. */
  signal: AbortSignal
}

/** A pushed claim token (UMA Grant §3.3.1). */
export interface ClaimToken {
  claim_token: string
  claim_token_format: string
}

/** Gives the requesting party's token, sent as `Authorization: Bearer` on grant requests. */
export type RequestingPartyToken = () => string | undefined | Promise<string | undefined>

/** Gives the claims to push; see {@link UmaFetchOptions.claims}. */
export type ClaimsCallback = (
  ctx: ClaimsContext,
) => ClaimToken | undefined | Promise<ClaimToken | undefined>

/**
 * What the client does with a challenge's `resource_metadata` (RFC 9728 §5.1):
 * - `'verify'`: where the challenge names one, read the resource server's metadata (same origin as
 *   the resource only) and refuse an `as_uri` that its `authorization_servers` does not list;
 * - `'require'`: as `'verify'`, and refuse a challenge that names no metadata;
 * - `'ignore'`: rely on `trustedIssuers` alone.
 */
export type ResourceMetadataMode = 'verify' | 'require' | 'ignore'

/** Options of {@link createUmaFetch}, {@link createUmaClient} and {@link umaInterceptor}. */
export interface UmaFetchOptions {
  /** `as_uri` values this client may talk to; nothing is sent to any other. Required. */
  trustedIssuers: readonly string[]
  /** The client's registration at the AS. */
  clientId: string
  /** `client_secret_basic` at the token endpoint. */
  clientSecret?: string | undefined
  /** openid-client's or oauth4webapi's `ClientAuth` (`ClientSecretPost`, `PrivateKeyJwt`, `None`, ...). */
  clientAuth?: ClientAuth | undefined
  /**
   * The requesting party's token, sent as `Authorization: Bearer` on grant requests (Keycloak;
   * CAS's AAT). With it, RPTs and PCTs are kept per token (by its SHA-256), so requests made for
   * different users never share them.
   */
  requestingPartyToken?: RequestingPartyToken | undefined
  /**
   * Claims to push: called before the first grant request (`requiredClaims` undefined) and on
   * each `need_info` (at most 3 rounds). May return a value or a promise.
   */
  claims?: ClaimsCallback | undefined
  /**
   * What to do with `request_submitted`: reject (default), or poll up to `pollMaxWaitMs`, at the
   * AS's `interval` (at least 1 s) and at most 60 times.
   * @default 'throw'
   */
  onRequestSubmitted?: 'throw' | { pollMaxWaitMs: number } | undefined
  /** The RPT cache: `false` keeps no RPT between calls. @default { max: 1000 } */
  rptCache?: false | { max?: number } | undefined
  /** Bound on each call to the AS, in milliseconds. @default 5000 */
  timeoutMs?: number | undefined
  /**
   * Endpoints set by hand, per trusted issuer, for ASes with no discovery document (WSO2). An
   * `rpt_endpoint` here sends CAS's JSON RPT request there.
   */
  metadata?: Readonly<Record<string, Partial<UmaServerMetadata>>> | undefined
  /** The `fetch` used for resource and AS requests. @default globalThis.fetch */
  fetch?: typeof fetch | undefined
  /** Extra scopes asked for on every grant request (`scope`); only pre-registered ones count. */
  scope?: string | readonly string[] | undefined
  /** Largest `ReadableStream` request body buffered for a replay. @default 1 MiB */
  maxReplayBytes?: number | undefined
  /**
   * RFC 9728: check a challenge's `as_uri` against the resource server's own metadata too, where
   * the challenge points to it. On by default: the resource server chose to publish which ASes
   * protect it, and reading that once per document (cached) costs one request, while it stops a
   * forged or confused challenge from steering the client to another of its trusted ASes.
   * @default 'verify'
   */
  resourceMetadata?: ResourceMetadataMode | undefined
  /**
   * The client's registration at each AS that gives it another one than `clientId` and
   * `clientSecret`: a client registers at each AS, and a secret one AS issued must never go to
   * another. Keys are trusted issuers.
   */
  clients?: Readonly<Record<string, IssuerCredentials>> | undefined
}

/** The options after checking. */
export interface ResolvedClientOptions {
  readonly trustedIssuers: readonly string[]
  readonly clientId: string
  readonly clientAuth: ClientAuth
  readonly requestingPartyToken: RequestingPartyToken | undefined
  readonly claims: ClaimsCallback | undefined
  readonly pollMaxWaitMs: number | undefined
  readonly rptCacheMax: number
  readonly timeoutMs: number
  readonly metadata: ReadonlyMap<string, Readonly<Partial<UmaServerMetadata>>>
  readonly fetch: typeof fetch
  readonly scope: string | undefined
  readonly maxReplayBytes: number
  readonly resourceMetadata: ResourceMetadataMode
  /** Registrations per issuer; see {@link credentialsFor}. */
  readonly clients: ReadonlyMap<string, ResolvedCredentials>
}

const DEFAULT_RPT_CACHE_MAX = 1000
const DEFAULT_MAX_REPLAY_BYTES = 1024 * 1024
const RESOURCE_METADATA_MODES: readonly string[] = ['verify', 'require', 'ignore']

function fail(name: string, expected: string, value: unknown): never {
  throw argumentError(
    'ERR_INVALID_ARG_TYPE',
    `options${name === '' ? '' : `.${name}`} must be ${expected}, received ${describeReceived(value)}`,
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

function readTrustedIssuers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('trustedIssuers', 'a non-empty array of issuer URLs', value)
  }
  return value.map((issuer: unknown, i) =>
    normalizeSecureIssuer(issuer, `options.trustedIssuers[${i}]`),
  )
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
        `options.metadata has the issuer ${key}, which is not in options.trustedIssuers`,
      )
    }
    out.set(key, checkManualMetadata(manual, `options.metadata["${key}"]`))
  }
  return out
}

function readScope(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const list: unknown = typeof value === 'string' ? value.split(' ') : value
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || /[\s"\\]/.test(s))) {
    fail('scope', 'a scope string or an array of scope names', value)
  }
  const scopes = (list as string[]).filter((s) => s !== '')
  return scopes.length === 0 ? undefined : scopes.join(' ')
}

function readPollMaxWaitMs(value: unknown): number | undefined {
  if (value === undefined || value === 'throw') return undefined
  const poll = readOptions<{ pollMaxWaitMs: number }>(value, 'options.onRequestSubmitted')
  if (poll.pollMaxWaitMs === undefined) {
    fail('onRequestSubmitted.pollMaxWaitMs', 'a positive number', undefined)
  }
  return positiveNumber('onRequestSubmitted.pollMaxWaitMs', poll.pollMaxWaitMs, 0)
}

function readRptCacheMax(value: unknown): number {
  if (value === false) return 0
  if (value === undefined) return DEFAULT_RPT_CACHE_MAX
  const cache = readOptions<{ max: number }>(value, 'options.rptCache')
  return Math.floor(positiveNumber('rptCache.max', cache.max, DEFAULT_RPT_CACHE_MAX))
}

function readResourceMetadata(value: unknown): ResourceMetadataMode {
  if (value === undefined) return 'verify'
  if (typeof value !== 'string' || !RESOURCE_METADATA_MODES.includes(value)) {
    fail('resourceMetadata', "'verify', 'require' or 'ignore'", value)
  }
  return value as ResourceMetadataMode
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
    pollMaxWaitMs: readPollMaxWaitMs(options.onRequestSubmitted),
    rptCacheMax: readRptCacheMax(options.rptCache),
    timeoutMs: positiveNumber('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    metadata: readMetadata(options.metadata, trustedIssuers),
    // looked up per call, so a test or an app that swaps globalThis.fetch later is honoured
    fetch: options.fetch ?? defaultFetch,
    scope: readScope(options.scope),
    maxReplayBytes: positiveNumber(
      'maxReplayBytes',
      options.maxReplayBytes,
      DEFAULT_MAX_REPLAY_BYTES,
    ),
    resourceMetadata: readResourceMetadata(options.resourceMetadata),
    clients: readClients(options.clients, trustedIssuers),
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
