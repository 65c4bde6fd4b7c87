/**
 * @module Protection API answers (UMA FedAuthz §3–§6) turned into `UmaError`s, read leniently
 * (the README's vendor notes).
 */
import { UmaError, type UmaErrorCode } from '@uma-kit/core'
import { readErrorBody, scrubbedCause, type AsResponse } from '@uma-kit/core/internal'

/** OAuth and FedAuthz error codes that keep their name as an `UmaErrorCode`. */
const KNOWN: ReadonlySet<string> = new Set<UmaErrorCode>([
  'invalid_resource_id',
  'invalid_scope',
  'not_found',
  'invalid_request',
  'conflict',
])

function codeForStatus(status: number): UmaErrorCode {
  if (status >= 500) return 'as_error'
  if (status === 404) return 'not_found'
  if (status === 409) return 'conflict'
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 400) return 'invalid_request'
  return 'as_error'
}

/**
 * The `UmaError` for a Protection API answer that is not a success.
 *
 * @param response - the AS's answer
 * @param purpose - what the call was for (`'ticket request'`), for the message
 * @returns the error to throw
 */
export function protectionError(response: AsResponse, purpose: string): UmaError {
  const info = readErrorBody(response)
  const named = info.error !== undefined && KNOWN.has(info.error) && response.status < 500
  const code = named ? (info.error as UmaErrorCode) : codeForStatus(response.status)
  const suffix = info.error === undefined ? '' : ` (${info.error})`
  return new UmaError(code, `${purpose} answered HTTP ${response.status}${suffix}`, {
    asStatus: response.status,
    error: info.error,
    errorDescription: info.errorDescription,
    cause: scrubbedCause(response),
  })
}

/**
 * Whether an answer says the PAT itself was refused, so one renewal is worth it: a 401, or a
 * 403 with `invalid_token`, with Keycloak's `invalid_bearer_token` (26.x answers a bad, expired
 * or no longer verifiable PAT so, without WWW-Authenticate), or with no OAuth error (SolidLab's
 * stale PAT, SolidLab: see the README's vendor notes).
 *
 * @param response - the AS's answer
 * @returns whether to renew the PAT and try once more
 */
export function isPatRejected(response: AsResponse): boolean {
  if (response.status === 401) return true
  if (response.status !== 403) return false
  const { error } = readErrorBody(response)
  return error === undefined || error === 'invalid_token' || error === 'invalid_bearer_token'
}

/**
 * Whether a status is a success; vendors answer with any 2xx (the README's vendor notes).
 *
 * @param status - the HTTP status
 * @returns whether it is 2xx
 */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}
