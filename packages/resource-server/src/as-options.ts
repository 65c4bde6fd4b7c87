/**
 * @module The options of one authorization server (the single-AS options, or one entry of
 * `authorizationServers`), checked once and frozen.
 */
import type { ClientAuth, UmaServerMetadata } from '@uma-kit/core'
import {
  argumentError,
  checkManualMetadata,
  noClientAuth,
  normalizeSecureIssuer,
  readOptions,
  resolveClientAuth,
} from '@uma-kit/core/internal'
import { oneOf, optionalFunction, requiredString } from './option-readers.js'

/** What a `pat()` you supply is told. */
export interface PatContext {
  /**
   * `true` when the AS has just refused the PAT given last: give a new one, not a cached one.
   */
  readonly forceRefresh: boolean
  /** The issuer of the AS the PAT is for. */
  readonly issuer: string
}

/** Supplies PATs yourself, instead of the client-credentials grant. */
export type PatSupplier = (context: PatContext) => string | Promise<string>

/** How RPTs are checked at one AS. */
export type RptValidation = 'introspect' | 'jwt' | 'auto'

/** One authorization server, as `authorizationServers` lists them. */
export interface AuthorizationServerOptions {
  /** The AS's issuer; the `as_uri` of challenges for the resources it protects. */
  issuer: string | URL
  /** The RS's client id at this AS. */
  clientId: string
  /** The RS's client secret at this AS: PATs by client credentials, `client_secret_basic`. */
  clientSecret?: string | undefined
  /** Client authentication at this AS (openid-client's or oauth4webapi's `ClientAuth`). */
  clientAuth?: ClientAuth | undefined
  /** Supplies PATs for this AS yourself. */
  pat?: PatSupplier | undefined
  /** Endpoints of this AS set by hand (no discovery document: WSO2 IS, CAS). */
  metadata?: Partial<UmaServerMetadata> | undefined
  /** How RPTs of this AS are checked. @default the resource server's `rptValidation` */
  rptValidation?: RptValidation | undefined
  /** Expected `aud` of this AS's JWT RPTs. @default the resource server's `audience`, else `clientId` */
  audience?: string | readonly string[] | undefined
  /** How the RS authenticates to this AS's introspection endpoint. */
  introspectionAuth?: 'client' | 'pat' | undefined
  /**
   * `token_type_hint` sent to this AS.
   * @default `'requesting_party_token'` where the AS is Keycloak (its metadata names a
   * `policy_endpoint`: Keycloak 26 leaves the permissions out otherwise), else `'access_token'`
   */
  introspectionHint?: 'access_token' | 'requesting_party_token' | false | undefined
  /** Permission requests as an array, or one object (CAS). */
  permissionRequestFormat?: 'array' | 'object' | undefined
  /**
   * Scope asked for with the client-credentials grant; `false` asks for none.
   * @default 'uma_protection', and none after the AS refuses it with `invalid_scope` (a stock
   * Keycloak, where `uma_protection` is a client role, not a scope)
   */
  patScope?: string | false | undefined
}

/** One AS after checks and defaults. */
export interface ResolvedAs {
  readonly issuer: string
  readonly clientId: string
  readonly clientAuth: ClientAuth
  readonly hasClientCredentials: boolean
  readonly pat: PatSupplier | undefined
  readonly patScope: string | false
  /** Whether `patScope` was chosen by the user (no fallback then). */
  readonly patScopeChosen: boolean
  readonly rptValidation: RptValidation
  readonly introspectionAuth: 'client' | 'pat'
  /** Whether `introspectionAuth` was chosen by the user (no fallback then). */
  readonly introspectionAuthChosen: boolean
  readonly introspectionHint: 'access_token' | 'requesting_party_token' | false
  /** Whether `introspectionHint` was chosen by the user (else it follows the AS's kind). */
  readonly introspectionHintChosen: boolean
  readonly permissionRequestFormat: 'array' | 'object'
  readonly audience: readonly string[]
  readonly metadata: Readonly<Partial<UmaServerMetadata>> | undefined
}

/** What the resource server's top-level options give every AS that sets nothing itself. */
export interface AsDefaults {
  readonly rptValidation: unknown
  readonly audience: unknown
  readonly introspectionAuth: unknown
  readonly introspectionHint: unknown
  readonly permissionRequestFormat: unknown
  readonly patScope: unknown
}

function resolveAudience(label: string, value: unknown, clientId: string): readonly string[] {
  // the RS's own client id, as Keycloak puts it in `aud`: a JWT for another audience never counts
  if (value === undefined) return Object.freeze([clientId])
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value]
  if (list.length === 0 || !list.every((a) => typeof a === 'string' && a !== '')) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${label}audience must be a non-empty string or a non-empty array of them`,
    )
  }
  return Object.freeze([...(list as string[])])
}

/**
 * Checks the options of one AS.
 *
 * @param input - the AS's options
 * @param label - where they come from, for messages: `''` or `'authorizationServers[1].'`
 * @param defaults - the resource server's top-level choices
 * @returns the resolved AS
 * @throws {TypeError} naming the first bad option
 */
export function resolveAs(input: unknown, label: string, defaults: AsDefaults): ResolvedAs {
  const o = readOptions<AuthorizationServerOptions>(input, `options.${label}`.replace(/\.$/, ''))
  const given = resolveClientAuth(o.clientSecret, o.clientAuth)
  const pat = optionalFunction<PatSupplier>(`${label}pat`, o.pat)
  // without credentials a PAT request would go out unauthenticated and fail like a wrong secret
  if (given === undefined && pat === undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${label}clientSecret, clientAuth or pat is needed: the resource server authenticates to its AS (for a client that must not authenticate, pass clientAuth: None() from openid-client)`,
    )
  }
  const clientId = requiredString(`${label}clientId`, o.clientId)
  const patScope = o.patScope ?? defaults.patScope ?? 'uma_protection'
  const hint = o.introspectionHint ?? defaults.introspectionHint
  const chosenAuth = o.introspectionAuth ?? defaults.introspectionAuth
  const introspectionAuth = oneOf(
    `${label}introspectionAuth`,
    chosenAuth,
    ['client', 'pat'],
    given === undefined ? 'pat' : 'client',
  )
  if (introspectionAuth === 'client' && given === undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${label}introspectionAuth 'client' needs clientSecret or clientAuth`,
    )
  }
  return Object.freeze({
    issuer: normalizeSecureIssuer(o.issuer, `options.${label}issuer`),
    clientId,
    clientAuth: given ?? noClientAuth(),
    hasClientCredentials: given !== undefined,
    pat,
    patScope: patScope === false ? false : requiredString(`${label}patScope`, patScope),
    patScopeChosen: (o.patScope ?? defaults.patScope) !== undefined,
    rptValidation: oneOf(
      `${label}rptValidation`,
      o.rptValidation ?? defaults.rptValidation,
      ['introspect', 'jwt', 'auto'],
      'introspect',
    ),
    introspectionAuth,
    introspectionAuthChosen: chosenAuth !== undefined,
    introspectionHint: oneOf(
      `${label}introspectionHint`,
      hint,
      ['access_token', 'requesting_party_token', false],
      'access_token',
    ),
    introspectionHintChosen: hint !== undefined,
    permissionRequestFormat: oneOf(
      `${label}permissionRequestFormat`,
      o.permissionRequestFormat ?? defaults.permissionRequestFormat,
      ['array', 'object'],
      'array',
    ),
    audience: resolveAudience(`options.${label}`, o.audience ?? defaults.audience, clientId),
    metadata:
      o.metadata === undefined
        ? undefined
        : checkManualMetadata(o.metadata, `options.${label}metadata`),
  })
}
