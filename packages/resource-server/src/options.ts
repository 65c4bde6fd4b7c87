/**
 * @module The options of `createResourceServer`, checked once and frozen.
 */
import type { ClientAuth, UmaServerMetadata } from '@uma-kit/core'
import {
  argumentError,
  checkManualMetadata,
  describeReceived,
  normalizeSecureIssuer,
  noClientAuth,
  readOptions,
  resolveClientAuth,
} from '@uma-kit/core/internal'
import type { Request, Response } from 'express'
import type { Denied } from './decision.js'

/** Resolves the resource id a request is about. */
export type ResourceResolver = (req: Request) => string | Promise<string>

/** Renders a denial: must keep `decision.status` and `decision.headers`. */
export type DeniedHandler = (req: Request, res: Response, decision: Denied) => void

/** What `onDecision` receives for every decision; it never holds a token. */
export interface DecisionEvent {
  resourceId: string
  scopes: string[]
  /** `allowed` (next), `challenged` (401), `unreachable` (403 + Warning), `error` (next(err)). */
  outcome: 'allowed' | 'challenged' | 'unreachable' | 'error'
  /** Whether the RPT's check came from the cache (no call to the AS). */
  cached: boolean
  durationMs: number
}

/** Options of `createResourceServer`. */
export interface ResourceServerOptions {
  /** The AS's issuer; also the `as_uri` of every challenge. */
  issuer: string
  /** The RS's client id at the AS. */
  clientId: string
  /** The RS's client secret: PATs by client credentials with `client_secret_basic`. */
  clientSecret?: string | undefined
  /**
   * openid-client's client authentication (`ClientSecretPost`, `PrivateKeyJwt`, `None`, ...).
   * @default ClientSecretBasic(clientSecret), or None() without a secret
   */
  clientAuth?: ClientAuth | undefined
  /** Supplies PATs yourself instead of the client-credentials grant. */
  pat?: (() => Promise<string>) | undefined
  /** Scope asked for with the client-credentials grant. @default 'uma_protection' */
  patScope?: string | undefined
  /** `realm="…"` in challenges. */
  realm?: string | undefined
  /** The default resource id of a request, for routes that name none. */
  resource?: ResourceResolver | undefined
  /**
   * How RPTs are checked: RFC 7662 introspection, local JWT verification against `jwks_uri`, or
   * JWTs locally and opaque tokens by introspection.
   * @default 'introspect'
   */
  rptValidation?: 'introspect' | 'jwt' | 'auto' | undefined
  /**
   * How the RS authenticates to the introspection endpoint: as its client, or with its PAT.
   * @default 'client' when clientSecret or clientAuth is set, else 'pat'
   */
  introspectionAuth?: 'client' | 'pat' | undefined
  /**
   * `token_type_hint` sent with introspection; `false` sends none. Keycloak answers unknown hints
   * with 400, and reads Keycloak-style permissions with `requesting_party_token`.
   * @default 'access_token'
   */
  introspectionHint?: 'access_token' | 'requesting_party_token' | false | undefined
  /**
   * How permission requests go on the wire: a JSON array (Keycloak, WSO2 and SolidLab accept
   * nothing else), or one object per request (Apereo CAS takes only that, so a request for
   * several permissions fails there).
   * @default 'array'
   */
  permissionRequestFormat?: 'array' | 'object' | undefined
  /** Introspection cache; `false` turns it off (concurrent checks still share one call). */
  cache?:
    | false
    | {
        /** @default 10000 */
        max?: number | undefined
        /** @default 60 */
        maxTtlSeconds?: number | undefined
        /** @default 5 */
        inactiveTtlSeconds?: number | undefined
      }
    | undefined
  /** Bound on each call to the AS, headers and body. @default 5000 */
  timeoutMs?: number | undefined
  /** Accepted clock skew for JWT RPTs (`exp`, `nbf`). @default 0 */
  clockToleranceSeconds?: number | undefined
  /** Expected `aud` of JWT RPTs (one of them must match); unchecked when absent. */
  audience?: string | string[] | undefined
  /** Endpoints set by hand, for ASes without a discovery document (WSO2 IS, CAS). */
  metadata?: Partial<UmaServerMetadata> | undefined
  /** Renders denials for every route (a route's own `onDenied` wins). */
  onDenied?: DeniedHandler | undefined
  /** Called once per decision, for logs and metrics. Must not throw. */
  onDecision?: ((event: DecisionEvent) => void) | undefined
  /** The `fetch` for every call to the AS. @default undici's fetch over one keep-alive Agent */
  fetch?: typeof fetch | undefined
}

/** The options after checks and defaults. */
export interface ResolvedOptions {
  readonly issuer: string
  readonly clientId: string
  readonly clientAuth: ClientAuth
  readonly hasClientCredentials: boolean
  readonly pat: (() => Promise<string>) | undefined
  readonly patScope: string
  readonly realm: string | undefined
  readonly resource: ResourceResolver | undefined
  readonly rptValidation: 'introspect' | 'jwt' | 'auto'
  readonly introspectionAuth: 'client' | 'pat'
  readonly introspectionHint: 'access_token' | 'requesting_party_token' | false
  readonly permissionRequestFormat: 'array' | 'object'
  readonly cache: false | { max: number; maxTtlSeconds: number; inactiveTtlSeconds: number }
  readonly timeoutMs: number
  readonly clockToleranceSeconds: number
  readonly audience: readonly string[] | undefined
  readonly metadata: Readonly<Partial<UmaServerMetadata>> | undefined
  readonly onDenied: DeniedHandler | undefined
  readonly onDecision: ((event: DecisionEvent) => void) | undefined
  readonly fetch: typeof fetch | undefined
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the function type checked for
function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.${name} must be a function, received ${describeReceived(value)}`,
    )
  }
  return value as T
}

function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `options.${name} must be a non-empty string, received ${describeReceived(value)}`,
    )
  }
  return value
}

function oneOf<T extends string | false>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (!allowed.includes(value as T)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    )
  }
  return value as T
}

/**
 * Checks a number option.
 *
 * @internal
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!integer || Number.isInteger(value))
  if (!ok) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be a${integer ? 'n integer' : ' number'} of at least ${min}, received ${describeReceived(value)}`,
    )
  }
  return value
}

function resolveCache(value: unknown): ResolvedOptions['cache'] {
  if (value === false) return false
  const cache = readOptions<{ max: unknown; maxTtlSeconds: unknown; inactiveTtlSeconds: unknown }>(
    value,
    'options.cache',
  )
  return Object.freeze({
    max: numberOption('cache.max', cache.max, 10_000, { min: 1, integer: true }),
    maxTtlSeconds: numberOption('cache.maxTtlSeconds', cache.maxTtlSeconds, 60),
    inactiveTtlSeconds: numberOption('cache.inactiveTtlSeconds', cache.inactiveTtlSeconds, 5),
  })
}

function resolveAudience(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined
  const list: unknown[] = Array.isArray(value) ? value : [value]
  if (list.length === 0 || !list.every((a) => typeof a === 'string' && a !== '')) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.audience must be a non-empty string or a non-empty array of them',
    )
  }
  return Object.freeze(list as string[])
}

function resolveRealm(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const realm = requiredString('realm', value)
  // eslint-disable-next-line no-control-regex -- a header value cannot carry control characters
  if (/[\u0000-\u001f\u007f]/.test(realm)) {
    throw argumentError('ERR_INVALID_ARG_VALUE', 'options.realm holds a control character')
  }
  return realm
}

/**
 * Checks the options, fills in defaults and freezes the result.
 *
 * @param input - what the caller passed
 * @returns the resolved options
 * @throws {TypeError} naming the first bad option
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined || input === null) {
    throw argumentError('ERR_INVALID_ARG_TYPE', 'createResourceServer needs an options object')
  }
  const o = readOptions<ResourceServerOptions>(input, 'options')
  const given = resolveClientAuth(o.clientSecret, o.clientAuth)
  const pat = optionalFunction<() => Promise<string>>('pat', o.pat)
  // without credentials a PAT request would go out unauthenticated and fail like a wrong secret
  if (given === undefined && pat === undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'createResourceServer needs options.clientSecret, options.clientAuth or options.pat: the resource server authenticates to its AS (for a client that must not authenticate, pass clientAuth: None() from openid-client)',
    )
  }
  const clientAuth = given ?? noClientAuth()
  const hasClientCredentials = given !== undefined
  return Object.freeze({
    issuer: normalizeSecureIssuer(o.issuer, 'options.issuer'),
    clientId: requiredString('clientId', o.clientId),
    clientAuth,
    hasClientCredentials,
    pat,
    patScope: o.patScope === undefined ? 'uma_protection' : requiredString('patScope', o.patScope),
    realm: resolveRealm(o.realm),
    resource: optionalFunction<ResourceResolver>('resource', o.resource),
    rptValidation: oneOf(
      'rptValidation',
      o.rptValidation,
      ['introspect', 'jwt', 'auto'],
      'introspect',
    ),
    introspectionAuth: oneOf(
      'introspectionAuth',
      o.introspectionAuth,
      ['client', 'pat'],
      hasClientCredentials ? 'client' : 'pat',
    ),
    introspectionHint: oneOf(
      'introspectionHint',
      o.introspectionHint,
      ['access_token', 'requesting_party_token', false],
      'access_token',
    ),
    permissionRequestFormat: oneOf(
      'permissionRequestFormat',
      o.permissionRequestFormat,
      ['array', 'object'],
      'array',
    ),
    cache: resolveCache(o.cache),
    timeoutMs: numberOption('timeoutMs', o.timeoutMs, 5000, { min: 1 }),
    clockToleranceSeconds: numberOption('clockToleranceSeconds', o.clockToleranceSeconds, 0),
    audience: resolveAudience(o.audience),
    metadata: o.metadata === undefined ? undefined : checkManualMetadata(o.metadata),
    onDenied: optionalFunction<DeniedHandler>('onDenied', o.onDenied),
    onDecision: optionalFunction<(event: DecisionEvent) => void>('onDecision', o.onDecision),
    fetch: optionalFunction<typeof fetch>('fetch', o.fetch),
  })
}
