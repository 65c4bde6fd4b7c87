/**
 * @module Reads the token endpoint's answer to the uma-ticket grant (UMA Grant §3.3.5–3.3.6) the
 * way wire.md §5.6 maps it: the spec's codes, Keycloak's `access_denied` descriptions, UMA 1.0
 * names, CAS's nested 308 `need_info`, SolidLab's answers without `error`.
 */
import {
  UmaError,
  type RequiredClaim,
  type UmaErrorCode,
  type UmaServerMetadata,
} from '@uma-kit/core'
import {
  isJsonObject,
  numberMember,
  readErrorBody,
  stringMember,
  type AsResponse,
  type JsonObject,
} from '@uma-kit/core/internal'

/** A granted RPT. */
export interface GrantedRpt {
  /** The RPT (`access_token`, or CAS's `rpt`). */
  rpt: string
  /** A persisted claims token, where the AS issued one. */
  pct?: string
  /** Whether the RPT carries the permissions of the RPT sent with the request. */
  upgraded: boolean
  /** Seconds the RPT lives, where the AS said. */
  expiresIn?: number
}

const PURPOSE = 'UMA grant request'

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

/**
 * Reads a 2xx answer.
 *
 * @param response - the token endpoint's answer
 * @returns the RPT and what came with it
 * @throws {UmaError} `invalid_response` when it holds no RPT
 */
function readSuccess(response: AsResponse): GrantedRpt {
  const body = isJsonObject(response.json) ? response.json : undefined
  const rpt = body && (stringMember(body, 'access_token') ?? stringMember(body, 'rpt'))
  if (body === undefined || rpt === undefined || rpt === '') {
    throw new UmaError('invalid_response', `${PURPOSE}: the answer holds no access_token`, {
      asStatus: response.status,
    })
  }
  const granted: GrantedRpt = { rpt, upgraded: body.upgraded === true }
  const pct = stringMember(body, 'pct')
  if (pct !== undefined && pct !== '') granted.pct = pct
  const expiresIn = numberMember(body, 'expires_in')
  if (expiresIn !== undefined && expiresIn > 0) granted.expiresIn = expiresIn
  return granted
}

/** `required_claims` as objects (UMA 2.0) or bare names (UMA 1.0, CAS). */
function readRequiredClaims(value: unknown): RequiredClaim[] | undefined {
  if (!Array.isArray(value)) return undefined
  const claims: RequiredClaim[] = []
  for (const entry of value.slice(0, 100)) {
    if (typeof entry === 'string' && entry !== '') claims.push({ name: entry })
    else if (isJsonObject(entry)) claims.push(readClaim(entry))
  }
  return claims
}

function readClaim(entry: JsonObject): RequiredClaim {
  const claim: RequiredClaim = {}
  for (const key of ['name', 'friendly_name', 'claim_type'] as const) {
    const v = stringMember(entry, key)
    if (v !== undefined) claim[key] = v
  }
  for (const key of ['claim_token_format', 'issuer'] as const) {
    const v = entry[key]
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : []
    const strings = list.filter((s): s is string => typeof s === 'string')
    if (strings.length > 0) claim[key] = strings
  }
  return claim
}

/** `redirect_user`: a URI (UMA 2.0) or `true` (UMA 1.0, then the static claims endpoint). */
function readRedirectUser(value: unknown, metadata: UmaServerMetadata): string | undefined {
  if (typeof value === 'string' && /^https?:\/\//i.test(value)) return value
  if (value === true) {
    const endpoint =
      metadata.claims_interaction_endpoint ?? metadata.requesting_party_claims_endpoint
    return typeof endpoint === 'string' ? endpoint : undefined
  }
  return undefined
}

/** CAS nests UMA 1.0's `need_info` under `error_details.requesting_party_claims`, once as a string. */
function nestedClaims(body: JsonObject): JsonObject | undefined {
  const details = body.error_details
  if (!isJsonObject(details)) return undefined
  let nested = details.requesting_party_claims
  if (typeof nested === 'string' && nested.length < 65_536) {
    try {
      nested = JSON.parse(nested) as unknown
    } catch {
      return undefined
    }
  }
  return isJsonObject(nested) ? nested : undefined
}

function needInfo(
  source: JsonObject,
  response: AsResponse,
  metadata: UmaServerMetadata,
  error: string | undefined,
): UmaError {
  return new UmaError('need_info', 'the authorization server needs claims (need_info)', {
    asStatus: response.status,
    ticket: stringMember(source, 'ticket'),
    requiredClaims: readRequiredClaims(source.required_claims),
    redirectUser: readRedirectUser(source.redirect_user, metadata),
    error,
  })
}

const CODE_BY_ERROR: Readonly<Record<string, UmaErrorCode>> = {
  request_denied: 'request_denied',
  not_authorized: 'request_denied',
  invalid_grant: 'invalid_grant',
  invalid_ticket: 'invalid_grant',
  expired_ticket: 'invalid_grant',
  invalid_scope: 'invalid_scope',
  invalid_rpt: 'invalid_rpt',
  invalid_client: 'invalid_client',
  unauthorized_client: 'invalid_client',
}

const MESSAGES: Readonly<Partial<Record<UmaErrorCode, string>>> = {
  request_denied: 'the authorization server denied the request (request_denied)',
  request_submitted:
    'the request awaits the resource owner at the authorization server (request_submitted)',
  invalid_grant: 'the permission ticket was refused as unknown or expired (invalid_grant)',
  invalid_scope: 'the authorization server refused the scope (invalid_scope)',
  invalid_rpt: 'the authorization server refused the RPT sent for upgrade (invalid_rpt)',
  invalid_client: 'the authorization server refused the client (invalid_client)',
}

function errorOf(
  code: UmaErrorCode,
  response: AsResponse,
  details: {
    error?: string | undefined
    errorDescription?: string | undefined
    ticket?: string
    interval?: number
  },
): UmaError {
  return new UmaError(code, MESSAGES[code] ?? `${PURPOSE} failed (${code})`, {
    asStatus: response.status,
    ...details,
  })
}

/**
 * Reads the token endpoint's answer to the uma-ticket grant.
 *
 * @param response - the answer as received (never redirected)
 * @param metadata - the AS's metadata, for a UMA 1.0 `redirect_user: true`
 * @param sensitive - values sent with the request that must not come back in an error
 * @returns the granted RPT
 * @throws {UmaError} the outcome's code: `need_info`, `request_denied`, `request_submitted`,
 *   `invalid_grant`, `invalid_scope`, `invalid_rpt`, `invalid_client`, `invalid_response` for a
 *   2xx without an RPT, `as_error` for anything else
 */
export function readGrantResponse(
  response: AsResponse,
  metadata: UmaServerMetadata,
  sensitive: readonly string[] = [],
): GrantedRpt {
  if (isSuccess(response.status)) return readSuccess(response)
  const body = isJsonObject(response.json) ? response.json : undefined
  const info = readErrorBody(response)
  if (info.errorDescription !== undefined) {
    info.errorDescription = scrub(info.errorDescription, sensitive)
  }
  const error = body === undefined ? undefined : stringMember(body, 'error')
  const details = { error: info.error, errorDescription: info.errorDescription }
  if (response.status >= 500) {
    throw new UmaError('as_error', `${PURPOSE} answered HTTP ${response.status}`, {
      asStatus: response.status,
      ...details,
    })
  }
  if (body !== undefined) {
    const nested = nestedClaims(body)
    if (nested !== undefined) return throwError(needInfo(nested, response, metadata, error))
    if (error === 'need_info') return throwError(needInfo(body, response, metadata, error))
    if (error === 'request_submitted') {
      const ticket = stringMember(body, 'ticket')
      const interval = numberMember(body, 'interval')
      return throwError(
        errorOf('request_submitted', response, {
          ...details,
          ...(ticket === undefined ? {} : { ticket }),
          ...(interval === undefined || interval < 0 ? {} : { interval }),
        }),
      )
    }
    if (error === 'access_denied') {
      const submitted = /request_submitted/i.test(info.errorDescription ?? '')
      return throwError(
        errorOf(submitted ? 'request_submitted' : 'request_denied', response, details),
      )
    }
    const code = error === undefined ? undefined : CODE_BY_ERROR[error]
    if (code !== undefined) return throwError(errorOf(code, response, details))
    if (error === undefined && response.status === 403) {
      // SolidLab answers without `error`: a ticket means claims are missing, none a refusal
      if (stringMember(body, 'ticket') !== undefined) {
        return throwError(needInfo(body, response, metadata, undefined))
      }
      return throwError(errorOf('request_denied', response, details))
    }
  }
  if (
    error === undefined &&
    response.status === 400 &&
    /ticket/i.test(info.errorDescription ?? '')
  ) {
    return throwError(errorOf('invalid_grant', response, details))
  }
  const suffix = info.error === undefined ? '' : ` (${info.error})`
  throw new UmaError('as_error', `${PURPOSE} answered HTTP ${response.status}${suffix}`, {
    asStatus: response.status,
    ...details,
  })
}

function throwError(err: UmaError): never {
  throw err
}

/** An AS may echo what it was sent; tokens and secrets must not reach messages or logs. */
function scrub(text: string, sensitive: readonly string[]): string {
  let out = text
  for (const value of sensitive) {
    if (value.length >= 4) out = out.split(value).join('[redacted]')
  }
  return out
}
