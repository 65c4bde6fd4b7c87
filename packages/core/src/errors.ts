/**
 * @module The one error class of uma-kit, its codes, and the caller-mistake `TypeError`s.
 */
import type { RequiredClaim } from './types.js'

/**
 * What went wrong, as a stable string. Callers branch on this, never on the message.
 *
 * - UMA grant outcomes (UMA Grant §3.3.6): `need_info`, `request_denied`, `request_submitted`,
 *   `invalid_grant`, `invalid_scope`.
 * - Trust and discovery: `untrusted_issuer`, `issuer_mismatch`, `discovery_failed`.
 * - Transport: `as_unreachable` (network error, timeout), `as_error` (5xx, or an error the AS
 *   reported that has no code of its own here), `invalid_response` (a body that breaks the
 *   protocol).
 * - Protection API (UMA FedAuthz): `invalid_resource_id`, `not_found`, `conflict`,
 *   `invalid_request`, `unauthorized` (the PAT or the client credentials were refused).
 * - Client side: `invalid_client`, `invalid_rpt`, `state_mismatch`, `body_not_replayable`.
 * - Resource server: `resource_unresolved` (the resource resolver failed), `unknown_issuer` (a
 *   resource names an AS that is not configured), `ticket_not_issued` (the permission endpoint
 *   answered without a ticket, as SolidLab's does for resources it deems public), `overloaded`
 *   (the RS's own bound on calls to the AS was reached), `store_unavailable` (the shared
 *   store of a fleet did not take a revocation in time).
 * - Security: `insecure_endpoint` (an endpoint credentials would go to is neither `https` nor
 *   loopback `http`; nothing was sent).
 * - `internal_error`: a fault inside uma-kit or a callback it called, wrapped so that only an
 *   `UmaError` reaches a framework's error handler.
 */
export type UmaErrorCode =
  | 'need_info'
  | 'request_denied'
  | 'request_submitted'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'untrusted_issuer'
  | 'issuer_mismatch'
  | 'discovery_failed'
  | 'as_unreachable'
  | 'as_error'
  | 'invalid_response'
  | 'invalid_resource_id'
  | 'not_found'
  | 'conflict'
  | 'invalid_request'
  | 'unauthorized'
  | 'invalid_client'
  | 'invalid_rpt'
  | 'state_mismatch'
  | 'body_not_replayable'
  | 'resource_unresolved'
  | 'unknown_issuer'
  | 'ticket_not_issued'
  | 'overloaded'
  | 'insecure_endpoint'
  | 'internal_error'
  | 'store_unavailable'

/** Every {@link UmaErrorCode}, for validation and exhaustive tests. */
export const UMA_ERROR_CODES: readonly UmaErrorCode[] = Object.freeze([
  'need_info',
  'request_denied',
  'request_submitted',
  'invalid_grant',
  'invalid_scope',
  'untrusted_issuer',
  'issuer_mismatch',
  'discovery_failed',
  'as_unreachable',
  'as_error',
  'invalid_response',
  'invalid_resource_id',
  'not_found',
  'conflict',
  'invalid_request',
  'unauthorized',
  'invalid_client',
  'invalid_rpt',
  'state_mismatch',
  'body_not_replayable',
  'resource_unresolved',
  'unknown_issuer',
  'ticket_not_issued',
  'overloaded',
  'insecure_endpoint',
  'internal_error',
  'store_unavailable',
] as const)

/** Optional details of an {@link UmaError}. */
export interface UmaErrorDetails {
  /** HTTP status of the AS's response behind the error, where there was one. */
  asStatus?: number | undefined
  /** The newest permission ticket (`need_info`, `request_submitted`). */
  ticket?: string | undefined
  /** Claims the AS asked for (`need_info`). */
  requiredClaims?: RequiredClaim[] | undefined
  /** Where to send the requesting party to gather claims (`need_info`), always a URL string. */
  redirectUser?: string | undefined
  /** Seconds to wait before polling again (`request_submitted`). */
  interval?: number | undefined
  /** The AS's own `error` value, verbatim, where it sent one. */
  error?: string | undefined
  /** The AS's `error_description`, where it sent one. */
  errorDescription?: string | undefined
  /**
   * The underlying error, or the AS's error body with every value uma-kit sent scrubbed out.
   * Never serialised by `toJSON`.
   */
  cause?: unknown
}

/** Longest message kept; an AS-influenced value cannot make an error unbounded. */
const MAX_MESSAGE_LENGTH = 1000

const BRAND: unique symbol = Symbol.for('uma-kit.error') as never

/**
 * The error of every uma-kit package. Branch on {@link UmaError.code}.
 *
 * Messages, `toJSON()` and `String(err)` never carry tokens, tickets, secrets or
 * `Authorization` values; `ticket` is a non-enumerable property for the caller's own use, left
 * out of `toJSON()`, spreads and `util.inspect`.
 *
 * `status` is the HTTP status a web framework should answer with when this error reaches its
 * error handler: always 500, whatever the AS answered, so that an AS's 400 or 401 never becomes
 * the client's answer (Express's final handler reads `err.status`). The AS's own status is in
 * `asStatus`, for logs. `expose` is `false` for the same reason (http-errors' convention).
 *
 * @example
 * ```ts
 * try { await umaFetch(url) } catch (err) {
 *   if (isUmaError(err) && err.code === 'need_info') redirectTo(err.redirectUser)
 * }
 * ```
 */
export class UmaError extends Error {
  override readonly name = 'UmaError' as const
  readonly code: UmaErrorCode
  /** The status to answer with if this error reaches a framework's error handler. */
  declare readonly status: 500
  /** Never show this error's message to the client (http-errors' convention). */
  declare readonly expose: false
  // declared, not defined: absent fields stay absent rather than own `undefined` properties
  /** The HTTP status the AS answered with, where an answer is behind the error. */
  declare readonly asStatus?: number
  declare readonly ticket?: string
  declare readonly requiredClaims?: RequiredClaim[]
  declare readonly redirectUser?: string
  declare readonly interval?: number
  declare readonly error?: string
  declare readonly errorDescription?: string

  /**
   * @param code - the stable error code
   * @param message - a human-readable message; must not contain tokens or secrets
   * @param details - status, UMA fields, the AS's error and the cause
   */
  constructor(code: UmaErrorCode, message: string, details: UmaErrorDetails = {}) {
    super(
      boundedMessage(message),
      details.cause === undefined ? undefined : { cause: details.cause },
    )
    this.code = code
    // non-enumerable: constant, and kept out of spreads and logs' property lists
    Object.defineProperty(this, 'status', { value: 500 })
    Object.defineProperty(this, 'expose', { value: false })
    if (details.asStatus !== undefined) this.asStatus = details.asStatus
    // non-enumerable: a ticket is a bearer handle at the AS, and util.inspect, console.error and
    // spreads print own enumerable properties; `err.ticket` still reads it
    if (details.ticket !== undefined) {
      Object.defineProperty(this, 'ticket', { value: details.ticket, enumerable: false })
    }
    if (details.requiredClaims !== undefined) this.requiredClaims = details.requiredClaims
    if (details.redirectUser !== undefined) this.redirectUser = details.redirectUser
    if (details.interval !== undefined) this.interval = details.interval
    if (details.error !== undefined) this.error = details.error
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription
    Object.defineProperty(this, BRAND, { value: true })
  }

  /**
   * A plain object for logs and API bodies: name, code, message, status and the UMA fields, but
   * never `ticket`, `cause` or the stack.
   *
   * @returns a JSON-safe object
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message }
    if (this.asStatus !== undefined) out.asStatus = this.asStatus
    if (this.error !== undefined) out.error = this.error
    if (this.errorDescription !== undefined) out.errorDescription = this.errorDescription
    if (this.requiredClaims !== undefined) out.requiredClaims = this.requiredClaims
    if (this.redirectUser !== undefined) out.redirectUser = this.redirectUser
    if (this.interval !== undefined) out.interval = this.interval
    return out
  }
}

/** Control characters would let an AS-influenced value forge log lines. */
function boundedMessage(message: string): string {
  // eslint-disable-next-line no-control-regex -- stripping them is the point
  const clean = message.replace(/[\u0000-\u001f\u007f]/g, ' ')
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}…` : clean
}

/**
 * Tells an {@link UmaError} by its brand, so it works even where two copies of
 * `@uma-kit/core` are installed.
 *
 * @param value - anything
 * @returns whether `value` is an `UmaError`
 */
export function isUmaError(value: unknown): value is UmaError {
  return (
    typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  )
}

/** A `TypeError` with a Node-style `code`, for caller mistakes (bad options or arguments). */
export type ArgumentError = TypeError & { code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' }

/**
 * Builds the `TypeError` thrown for a bad option or argument.
 *
 * @param code - `ERR_INVALID_ARG_TYPE` for a wrong type, `ERR_INVALID_ARG_VALUE` for a bad value
 * @param message - names the option and what was received; never the value of a secret
 * @returns the error, for the caller to throw
 */
export function argumentError(
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE',
  message: string,
): ArgumentError {
  const err = new TypeError(message) as ArgumentError
  err.code = code
  return err
}

/**
 * Describes a received value for an argument error without echoing its content, which may be a
 * secret: `a string of length 12`, `null`, `an array`, `type number`.
 *
 * @param value - what the caller passed
 * @returns a short description
 */
export function describeReceived(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return `a string of length ${value.length}`
  if (Array.isArray(value)) return 'an array'
  return `type ${typeof value}`
}

/**
 * Reads an options argument: `undefined` and `null` give `{}`, an object is taken as it is.
 *
 * @param value - what the caller passed
 * @param label - the argument's name, for the message
 * @returns the options object
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` for anything else
 */
export function readOptions<T extends object>(value: unknown, label: string): Partial<T> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `${label} must be an object, received ${describeReceived(value)}`,
    )
  }
  return value
}
