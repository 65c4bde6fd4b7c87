/**
 * @module Error answers of an AS read leniently (the README's vendor notes), with what uma-kit sent
 * scrubbed out of everything kept.
 */
import { UmaError } from './errors.js'
import type { AsResponse } from './http.js'
import { isJsonObject, stringArray } from './json.js'
import { redactJson } from './scrub.js'

/** What {@link readErrorBody} finds in an error response. */
export interface AsErrorInfo {
  /** An OAuth-style error code (`invalid_grant`, Keycloak's `access_denied`, WSO2's `not_found`). */
  error?: string
  /** A description, with token-like strings redacted and cut to 300 characters. */
  errorDescription?: string
}

const TOKEN_LIKE =
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*|[A-Za-z0-9+/_~.-]{40,}={0,2}/g

/**
 * Replaces JWTs and long opaque strings with `[redacted]`, so an AS that echoes a token in an
 * error description cannot leak it into logs.
 *
 * @param text - text from an AS
 * @param maxLength - cut beyond this many characters
 * @returns the cleaned text
 */
export function redactTokens(text: string, maxLength = 300): string {
  const cleaned = text.replace(TOKEN_LIKE, '[redacted]')
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned
}

function firstString(value: unknown): string | undefined {
  return stringArray(value)[0]
}

/**
 * Reads an error response leniently (the README's vendor notes): `error`/`error_description`,
 * WSO2's `code`/`description` and `errorDescription`, CAS's arrays, SolidLab's `message`, or plain
 * text.
 *
 * @param response - the AS's response
 * @returns the error code and description it gives, if any
 */
export function readErrorBody(response: AsResponse): AsErrorInfo {
  const info: AsErrorInfo = {}
  const clean = (text: string) => redactTokens(response.redact(text))
  if (isJsonObject(response.json)) {
    const body = response.json
    const code = firstString(body.error) ?? firstString(body.code)
    // a code is kept only while it is a code: an AS that echoes a sent value there loses it
    if (code !== undefined && /^[\w.:-]{1,100}$/.test(code) && response.redact(code) === code) {
      info.error = code
    }
    // SolidLab sends {status, description: "Bad Request", message: "<what happened>"}: the
    // message is the one that says something (SolidLab: see the README's vendor notes)
    const description =
      firstString(body.error_description) ??
      firstString(body.errorDescription) ??
      firstString(body.message) ??
      firstString(body.description)
    if (description !== undefined) info.errorDescription = clean(description)
  } else if (!response.isJson && response.text.trim() !== '') {
    const contentType = response.headers.get('content-type') ?? ''
    if (!/html/i.test(contentType)) info.errorDescription = clean(response.text.trim())
  }
  return info
}

/** How much of a body that is not JSON is kept as an error's `cause`. */
const MAX_CAUSE_TEXT = 2000

/**
 * What an error built from this answer keeps as its `cause`: the parsed body, or the start of
 * a text body, with every secret the request carried scrubbed out (`console.error` and
 * `util.inspect` print `cause`).
 *
 * @param response - the AS's answer
 * @returns the scrubbed body, or `undefined` for an empty one
 */
export function scrubbedCause(response: AsResponse): unknown {
  if (response.isJson)
    return redactJson(response.json, (text) => redactTokens(response.redact(text), Infinity))
  const text = response.text.trim()
  return text === '' ? undefined : redactTokens(response.redact(text), MAX_CAUSE_TEXT)
}

/**
 * The `UmaError` for a status no caller expected: `as_error` (5xx or an unexpected 4xx) with the
 * AS's own error code and description attached.
 *
 * @param response - the AS's response
 * @param purpose - what the call was for
 * @returns the error to throw
 */
export function unexpectedStatus(response: AsResponse, purpose: string): UmaError {
  const info = readErrorBody(response)
  const code = info.error === undefined ? '' : ` (${info.error})`
  return new UmaError('as_error', `${purpose} answered HTTP ${response.status}${code}`, {
    asStatus: response.status,
    error: info.error,
    errorDescription: info.errorDescription,
    cause: scrubbedCause(response),
  })
}
