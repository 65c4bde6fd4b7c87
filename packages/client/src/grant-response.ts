/**
 * @module Reads the answer to the uma-ticket grant (UMA Grant §3.3.5–3.3.6) the way UMA Grant §3.3.6
 * maps it: the spec's codes, Keycloak's `access_denied` descriptions, UMA 1.0 names, CAS's nested
 * 308 `need_info`, SolidLab's answers without `error`, WSO2's `error_response` header. Every
 * string kept is scrubbed of what the request carried and of the tokens the answer holds.
 */
import { UmaError, type UmaErrorCode, type UmaServerMetadata } from '@uma-kit/core'
import {
  createRedactor,
  isHttpsOrLoopback,
  isJsonObject,
  numberMember,
  readErrorBody,
  redactTokens,
  scrubbedCause,
  stringMember,
  type AsErrorInfo,
  type AsResponse,
  type JsonObject,
} from '@uma-kit/core/internal'
import { readRequiredClaims } from './required-claims.js'
import { shownUrl } from './shown.js'

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

/** What a grant answer is read against, for messages. */
export interface GrantContext {
  /** The endpoint the request went to. */
  readonly endpoint: string
  /** The client's id, named when the AS refuses it. */
  readonly clientId: string
}

/** Longest RPT or PCT taken from an answer; a longer one could not go in a header anyway. */
const MAX_TOKEN_LENGTH = 16_384
/** Members of an answer that hold something the AS issued and nobody may log. */
const ISSUED_SECRETS = ['ticket', 'access_token', 'rpt', 'pct', 'refresh_token', 'id_token']

/** The answer with its redactor extended to the tokens it carries itself (a new ticket...). */
function scrubbing(response: AsResponse, body: JsonObject | undefined): AsResponse {
  const issued = ISSUED_SECRETS.map((name) => body?.[name]).filter(
    (v): v is string => typeof v === 'string',
  )
  const nested = body === undefined ? undefined : nestedClaims(body)
  if (typeof nested?.ticket === 'string') issued.push(nested.ticket)
  if (issued.length === 0) return response
  const own = createRedactor(issued)
  return { ...response, redact: (text) => own(response.redact(text)) }
}

function token(body: JsonObject, name: string): string | undefined {
  const value = stringMember(body, name)
  return value !== undefined && value.length <= MAX_TOKEN_LENGTH ? value : undefined
}

function readSuccess(response: AsResponse, context: GrantContext): GrantedRpt {
  const body = isJsonObject(response.json) ? response.json : undefined
  const rpt = body && (token(body, 'access_token') ?? token(body, 'rpt'))
  if (body === undefined || rpt === undefined) {
    throw new UmaError(
      'invalid_response',
      `UMA grant request to ${shownUrl(context.endpoint)}: the answer (HTTP ${response.status}) holds no usable access_token`,
      { asStatus: response.status },
    )
  }
  const granted: GrantedRpt = { rpt, upgraded: body.upgraded === true }
  const pct = token(body, 'pct')
  if (pct !== undefined) granted.pct = pct
  const expiresIn = numberMember(body, 'expires_in')
  if (expiresIn !== undefined && expiresIn > 0) granted.expiresIn = expiresIn
  return granted
}

/** `redirect_user`: a URI (UMA 2.0) or `true` (UMA 1.0, then the static claims endpoint). */
function readRedirectUser(value: unknown, metadata: UmaServerMetadata): string | undefined {
  const candidate =
    value === true
      ? (metadata.claims_interaction_endpoint ?? metadata.requesting_party_claims_endpoint)
      : value
  // a browser goes there with a ticket: https only (plain http on loopback), never javascript:
  if (typeof candidate !== 'string' || candidate.length > 2048) return undefined
  return /^https?:\/\//i.test(candidate) && isHttpsOrLoopback(candidate) ? candidate : undefined
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

type Details = AsErrorInfo & { ticket?: string; interval?: number }

const MESSAGES: Readonly<Partial<Record<UmaErrorCode, string>>> = {
  need_info: 'needs claims (need_info)',
  request_denied: 'denied the request (request_denied)',
  request_submitted: 'holds the request for the resource owner (request_submitted)',
  invalid_grant: 'refused the permission ticket as unknown, used or expired (invalid_grant)',
  invalid_scope: 'refused the scope (invalid_scope)',
  invalid_rpt: 'refused the RPT sent for upgrade (invalid_rpt)',
}

function outcome(
  code: UmaErrorCode,
  response: AsResponse,
  context: GrantContext,
  details: Details & { requiredClaims?: unknown; redirectUser?: string | undefined },
): UmaError {
  const where = shownUrl(context.endpoint)
  const message =
    code === 'invalid_client'
      ? `the client id \`${context.clientId}\` was refused by ${where} (${details.error ?? 'invalid_client'})`
      : code === 'as_error'
        ? `UMA grant request to ${where} answered HTTP ${response.status}${details.error === undefined ? '' : ` (${details.error})`}${details.errorDescription === undefined ? '' : `: ${details.errorDescription}`}`
        : `the authorization server at ${where} ${MESSAGES[code] ?? code}`
  return new UmaError(code, message, {
    ...details,
    requiredClaims: details.requiredClaims as UmaError['requiredClaims'],
    asStatus: response.status,
    cause: scrubbedCause(response),
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

function readError(
  response: AsResponse,
  body: JsonObject | undefined,
  metadata: UmaServerMetadata,
): [UmaErrorCode, Details & { requiredClaims?: unknown; redirectUser?: string | undefined }] {
  const info: Details = readErrorBody(response)
  // core keeps `error` verbatim where it looks like a code: an AS could echo a secret there
  if (info.error !== undefined && response.redact(info.error) !== info.error) delete info.error
  const header = response.headers.get('error_response')
  if (info.errorDescription === undefined && header !== null) {
    // WSO2 puts the reason in a header of its own (WSO2 IS: see the README's vendor notes)
    info.errorDescription = redactTokens(response.redact(header))
  }
  if (response.status >= 500) return ['as_error', info]
  const error = body === undefined ? undefined : stringMember(body, 'error')
  const needInfo = (source: JsonObject) =>
    [
      'need_info',
      {
        ...info,
        ...optional('ticket', stringMember(source, 'ticket')),
        requiredClaims: readRequiredClaims(source.required_claims, response.redact),
        redirectUser: readRedirectUser(source.redirect_user, metadata),
      },
    ] as const
  if (body !== undefined) {
    const nested = nestedClaims(body)
    if (nested !== undefined) return [...needInfo(nested)]
    if (error === 'need_info') return [...needInfo(body)]
    if (error === 'request_submitted') {
      const interval = numberMember(body, 'interval')
      return [
        'request_submitted',
        {
          ...info,
          ...optional('ticket', stringMember(body, 'ticket')),
          ...optional('interval', interval !== undefined && interval >= 0 ? interval : undefined),
        },
      ]
    }
    if (error === 'access_denied') {
      const submitted = /request_submitted/i.test(info.errorDescription ?? '')
      return [submitted ? 'request_submitted' : 'request_denied', info]
    }
    const code = error === undefined ? undefined : CODE_BY_ERROR[error]
    if (code !== undefined) return [code, info]
    if (error === undefined && response.status === 403) {
      // SolidLab answers without `error`: a ticket means claims are missing, none a refusal
      if (stringMember(body, 'ticket') !== undefined) return [...needInfo(body)]
      return ['request_denied', info]
    }
  }
  // SolidLab's spent or unknown ticket: 400 {"message":"The provided ticket is not valid."}
  if (
    error === undefined &&
    response.status === 400 &&
    /ticket/i.test(info.errorDescription ?? '')
  ) {
    return ['invalid_grant', info]
  }
  return ['as_error', info]
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>)
}

/**
 * Reads the answer to one grant request.
 *
 * @param response - the answer as received (never redirected)
 * @param metadata - the AS's metadata, for a UMA 1.0 `redirect_user: true`
 * @param context - the endpoint and client id, for messages
 * @returns the granted RPT
 * @throws {UmaError} the outcome's code: `need_info`, `request_denied`, `request_submitted`,
 *   `invalid_grant`, `invalid_scope`, `invalid_rpt`, `invalid_client`, `invalid_response` for a
 *   2xx without an RPT, `as_error` for anything else
 */
export function readGrantResponse(
  response: AsResponse,
  metadata: UmaServerMetadata,
  context: GrantContext,
): GrantedRpt {
  const body = isJsonObject(response.json) ? response.json : undefined
  const scrubbed = scrubbing(response, body)
  if (response.status >= 200 && response.status < 300) return readSuccess(scrubbed, context)
  const [code, details] = readError(scrubbed, body, metadata)
  throw outcome(code, scrubbed, context, details)
}
