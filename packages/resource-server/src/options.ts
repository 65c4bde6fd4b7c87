/**
 * @module The options of `createResourceServer`, checked once and frozen.
 */
import type { ClientAuth, UmaError, UmaServerMetadata } from '@uma-kit/core'
import { argumentError, readOptions } from '@uma-kit/core/internal'
import type { Request, Response } from 'express'
import {
  resolveAs,
  type AuthorizationServerOptions,
  type PatSupplier,
  type ResolvedAs,
  type RptValidation,
} from './as-options.js'
import { resolveCache, type CacheOptions, type ResolvedCache } from './cache-options.js'
import type { Denied } from './decision.js'
import { resolveLimits, type AsCallLimits, type ResolvedLimits } from './limits-options.js'
import { headerText, numberOption, optionalFunction } from './option-readers.js'
import {
  resolveResourceMetadata,
  type ResolvedResourceMetadata,
  type ResourceMetadataOptions,
} from './resource-metadata.js'
import type { ResourceRef } from './resource-ref.js'

/** Resolves the resource a request is about: its id, or its name (and owner) at the AS. */
export type ResourceResolver = (req: Request) => ResourceRef | Promise<ResourceRef>

/** Renders a denial: must keep `decision.status` and `decision.headers`. */
export type DeniedHandler = (req: Request, res: Response, decision: Denied) => void

/** Which AS protects a resource: its issuer, one of those configured. */
export type IssuerResolver = (resourceId: string, req?: Request) => string | Promise<string>

/** What `onDecision` receives for every decision; it never holds a token. */
export interface DecisionEvent {
  resourceId: string
  scopes: string[]
  /** `allowed` (next), `challenged` (401), `unreachable` (403), `error` (next(err)). */
  outcome: 'allowed' | 'challenged' | 'unreachable' | 'error'
  /** Whether the RPT's check came from the cache (no call to the AS). */
  cached: boolean
  durationMs: number
  /** The AS that decided, where it was known. */
  issuer?: string
  /** Behind `unreachable` and `error`: why. */
  error?: UmaError
  /** The requesting party's `sub`, where the AS gave one (allowed decisions), for audit logs. */
  sub?: string
  /** The client the RPT was issued to (`client_id`, or Keycloak's `azp`), where given. */
  clientId?: string
}

/** What every configuration shares, whatever its ASes. */
export interface CommonOptions {
  /** `realm="…"` in challenges: printable ASCII, at most 256 characters. */
  realm?: string | undefined
  /** The default resource of a request, for routes that name none. */
  resource?: ResourceResolver | undefined
  /**
   * How RPTs are checked: RFC 7662 introspection, local JWT verification against `jwks_uri`, or
   * JWTs locally and opaque tokens by introspection. Per AS in `authorizationServers`.
   * @default 'introspect'
   */
  rptValidation?: RptValidation | undefined
  /**
   * How the RS authenticates to the introspection endpoint: as its client, or with its PAT.
   * @default 'client' with clientSecret or clientAuth (falling back to the PAT once when the AS
   * answers 401, as SolidLab's does), else 'pat'
   */
  introspectionAuth?: 'client' | 'pat' | undefined
  /**
   * `token_type_hint` sent with introspection; `false` sends none. Keycloak answers unknown hints
   * with 400, and gives an RPT's permissions only with `requesting_party_token`.
   * @default `'requesting_party_token'` where the AS is Keycloak (its metadata names a
   * `policy_endpoint`), else `'access_token'`
   */
  introspectionHint?: 'access_token' | 'requesting_party_token' | false | undefined
  /**
   * How permission requests go on the wire: a JSON array (Keycloak, WSO2 and SolidLab accept
   * nothing else), or one object per request (Apereo CAS takes only that).
   * @default 'array'
   */
  permissionRequestFormat?: 'array' | 'object' | undefined
  /**
   * Scope asked for with the client-credentials grant; `false` asks for none.
   * @default 'uma_protection', and none after the AS refuses it with `invalid_scope` (a stock
   * Keycloak, where `uma_protection` is a client role, not a scope)
   */
  patScope?: string | false | undefined
  /** The RPT cache; `false` turns it off (concurrent checks still share one call). */
  cache?: false | CacheOptions | undefined
  /**
   * Bound on each call to the AS, headers and body. A decision as a whole is bounded by three
   * times this: discovery, then the RPT check (with the PAT fetched beside it), then the ticket.
   * @default 5000
   */
  timeoutMs?: number | undefined
  /** Accepted clock skew for `exp` and `nbf` (seconds). @default 0 */
  clockToleranceSeconds?: number | undefined
  /**
   * Expected `aud` of JWT RPTs (one of them must match).
   * @default the RS's `clientId` (Keycloak's `aud`); SolidLab's RPTs need `'solid'`
   */
  audience?: string | readonly string[] | undefined
  /**
   * The flood guard: bounds on the introspections and ticket requests the RS makes to each AS
   * (in flight, and per second with a burst). Past them a request is answered at once with 503
   * and `Retry-After: 1`, never queued. `false` turns the bounds off.
   * @default { maxInFlight: 64, perSecond: 200, burst: 400, reuseTicketSeconds: 0 }
   */
  limits?: false | AsCallLimits | undefined
  /**
   * RFC 9728 protected-resource metadata: served by `protectedResourceMetadata` (mount it at
   * `protectedResourceMetadataPath`), and named in every challenge as `resource_metadata`.
   */
  resourceMetadata?: ResourceMetadataOptions | undefined
  /** Renders denials for every route (a route's own `onDenied` wins). */
  onDenied?: DeniedHandler | undefined
  /** Called once per decision, for logs and metrics. Must not throw. */
  onDecision?: ((event: DecisionEvent) => void) | undefined
  /** The `fetch` for every call to the AS. @default undici's fetch over one keep-alive Agent */
  fetch?: typeof fetch | undefined
}

/** One AS: the common case. */
export interface SingleAsOptions extends CommonOptions {
  /** The AS's issuer; also the `as_uri` of every challenge. */
  issuer: string | URL
  /** The RS's client id at the AS. */
  clientId: string
  /** The RS's client secret: PATs by client credentials with `client_secret_basic`. */
  clientSecret?: string | undefined
  /**
   * Client authentication: openid-client's or oauth4webapi's `ClientAuth` (`ClientSecretPost`,
   * `PrivateKeyJwt`, `None`, ...).
   * @default ClientSecretBasic(clientSecret)
   */
  clientAuth?: ClientAuth | undefined
  /** Supplies PATs yourself instead of the client-credentials grant. */
  pat?: PatSupplier | undefined
  /** Endpoints set by hand, for ASes without a discovery document (WSO2 IS, CAS). */
  metadata?: Partial<UmaServerMetadata> | undefined
  authorizationServers?: undefined
  issuerFor?: undefined
}

/** Several ASes: each resource protected by the AS its owner chose (UMA's distributed model). */
export interface MultiAsOptions extends CommonOptions {
  /** Every AS this RS works with; at most 100 (more can be added with `addAuthorizationServer`). */
  authorizationServers: readonly AuthorizationServerOptions[]
  /** Which AS protects a resource; required with two or more `authorizationServers`. */
  issuerFor?: IssuerResolver | undefined
  issuer?: undefined
  clientId?: undefined
  clientSecret?: undefined
  clientAuth?: undefined
  pat?: undefined
  metadata?: undefined
}

/** Options of `createResourceServer`: one AS, or several. */
export type ResourceServerOptions = SingleAsOptions | MultiAsOptions

/** The options after checks and defaults. */
export interface ResolvedOptions {
  readonly servers: readonly ResolvedAs[]
  readonly issuerFor: IssuerResolver | undefined
  /** How `authorizationServers` entries added later are checked. */
  readonly asDefaults: Parameters<typeof resolveAs>[2]
  readonly realm: string | undefined
  readonly resource: ResourceResolver | undefined
  readonly cache: ResolvedCache
  readonly timeoutMs: number
  readonly clockToleranceSeconds: number
  readonly resourceMetadata: ResolvedResourceMetadata | undefined
  readonly limits: ResolvedLimits
  readonly onDenied: DeniedHandler | undefined
  readonly onDecision: ((event: DecisionEvent) => void) | undefined
  readonly fetch: typeof fetch | undefined
}

/** At most this many ASes at once: each holds a PAT, a cache and connections. */
export const MAX_AUTHORIZATION_SERVERS = 100

const SINGLE_AS_KEYS = ['issuer', 'clientId', 'clientSecret', 'clientAuth', 'pat', 'metadata']

function resolveServers(
  o: Partial<ResourceServerOptions>,
  defaults: ResolvedOptions['asDefaults'],
) {
  if (o.authorizationServers === undefined) return [resolveAs(o, '', defaults)]
  const clash = SINGLE_AS_KEYS.find((key) => (o as Record<string, unknown>)[key] !== undefined)
  if (clash !== undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${clash} goes inside each authorizationServers entry, not beside them`,
    )
  }
  const list: unknown = o.authorizationServers
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_AUTHORIZATION_SERVERS) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.authorizationServers must be an array of 1 to ${MAX_AUTHORIZATION_SERVERS} entries`,
    )
  }
  const servers = list.map((entry, i) => resolveAs(entry, `authorizationServers[${i}].`, defaults))
  const seen = new Set<string>()
  for (const server of servers) {
    if (seen.has(server.issuer)) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `options.authorizationServers names ${server.issuer} twice`,
      )
    }
    seen.add(server.issuer)
  }
  return servers
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
  const asDefaults = Object.freeze({
    rptValidation: o.rptValidation,
    audience: o.audience,
    introspectionAuth: o.introspectionAuth,
    introspectionHint: o.introspectionHint,
    permissionRequestFormat: o.permissionRequestFormat,
    patScope: o.patScope,
  })
  const servers = Object.freeze(resolveServers(o, asDefaults))
  const issuerFor = optionalFunction<IssuerResolver>('issuerFor', o.issuerFor)
  if (servers.length > 1 && issuerFor === undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.issuerFor is needed with two or more authorizationServers: it says which AS protects a resource',
    )
  }
  const timeoutMs = numberOption('timeoutMs', o.timeoutMs, 5000, { min: 1, max: 600_000 })
  return Object.freeze({
    servers,
    issuerFor,
    asDefaults,
    realm: o.realm === undefined ? undefined : headerText('realm', o.realm),
    resource: optionalFunction<ResourceResolver>('resource', o.resource),
    cache: resolveCache(o.cache),
    timeoutMs,
    clockToleranceSeconds: numberOption('clockToleranceSeconds', o.clockToleranceSeconds, 0, {
      max: 3600,
    }),
    resourceMetadata: resolveResourceMetadata(o.resourceMetadata),
    limits: resolveLimits(o.limits),
    onDenied: optionalFunction<DeniedHandler>('onDenied', o.onDenied),
    onDecision: optionalFunction<(event: DecisionEvent) => void>('onDecision', o.onDecision),
    fetch: optionalFunction<typeof fetch>('fetch', o.fetch),
  })
}
