/**
 * @module Scrubbing what uma-kit sent out of what an AS sends back. Some servers echo the request
 * into `error_description` (the PAT, the ticket, the client secret, in Basic form too); an error
 * must not carry those into logs, `JSON.stringify(err)`, `util.inspect` or `cause`.
 */

/** Form parameters that never hold a secret; every other value of a form body is scrubbed. */
const PUBLIC_FORM_PARAMETERS: ReadonlySet<string> = new Set([
  'grant_type',
  'token_type_hint',
  'scope',
  'claim_token_format',
  'client_id',
  'client_assertion_type',
  'audience',
  'response_mode',
  'submit_request',
  'permission',
])

/** JSON members that hold a secret (CAS's JSON RPT request; anything token-like). */
const SECRET_JSON_MEMBERS: ReadonlySet<string> = new Set([
  'ticket',
  'rpt',
  'pct',
  'claim_token',
  'token',
  'access_token',
  'refresh_token',
  'subject_token',
  'client_secret',
  'client_assertion',
  'password',
])

/** Shorter values would scrub ordinary words out of messages. */
const MIN_SECRET_LENGTH = 4

/** How deep and how wide a body is copied for `cause`; the rest is dropped. */
const MAX_DEPTH = 6
const MAX_ENTRIES = 200

const PLACEHOLDER = '[redacted]'

function fromAuthorization(value: string | null, out: string[]): void {
  if (value === null) return
  const space = value.indexOf(' ')
  const credentials = space < 0 ? value : value.slice(space + 1).trim()
  out.push(value, credentials)
  if (!/^basic$/i.test(value.slice(0, space))) return
  // RFC 6749 §2.3.1: Basic carries form-encoded id and secret, base64-encoded together
  const decoded = Buffer.from(credentials, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return
  const secret = decoded.slice(colon + 1)
  out.push(decoded, secret)
  try {
    out.push(decodeURIComponent(secret.replace(/\+/g, ' ')))
  } catch {
    // not form-encoded: the raw secret is already kept
  }
}

function fromBody(body: unknown, contentType: string, out: string[]): void {
  const text =
    typeof body === 'string'
      ? body
      : body instanceof URLSearchParams
        ? body.toString()
        : body instanceof Uint8Array
          ? Buffer.from(body).toString('utf8')
          : undefined
  if (text === undefined || text === '') return
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      collectJson(JSON.parse(text) as unknown, out, 0)
    } catch {
      out.push(text)
    }
    return
  }
  for (const [name, value] of new URLSearchParams(text)) {
    if (!PUBLIC_FORM_PARAMETERS.has(name)) out.push(value)
  }
}

function collectJson(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return
  for (const [name, member] of Object.entries(value).slice(0, MAX_ENTRIES)) {
    if (typeof member === 'string' && SECRET_JSON_MEMBERS.has(name)) out.push(member)
    else collectJson(member, out, depth + 1)
  }
}

/**
 * The values of a request an echoing AS must not be able to put back into an error: the
 * `Authorization` value (and, for Basic, the decoded id:secret and the secret), every form
 * parameter but the public ones (`grant_type`, `scope`, `client_id`, …), and token-like members
 * of a JSON body.
 *
 * @param headers - the request's headers
 * @param body - the request's body as sent (string, `URLSearchParams`, bytes)
 * @returns the values, possibly empty
 */
export function sentSecrets(headers: Headers, body: unknown): string[] {
  const out: string[] = []
  fromAuthorization(headers.get('authorization'), out)
  fromBody(body, headers.get('content-type') ?? '', out)
  return out
}

/** Each value as it may come back: raw, percent-encoded, form-encoded, base64 and base64url. */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ]
}

/** Replaces secrets in text. */
export type Redactor = (text: string) => string

/**
 * Makes a redactor for the exact values given, in each form they may be echoed in (raw,
 * percent-encoded, form-encoded, base64, base64url), longest first so that a value holding
 * another is replaced whole.
 *
 * @param values - what was sent
 * @returns the redactor; the identity when there is nothing to scrub
 */
export function createRedactor(values: readonly string[]): Redactor {
  const forms = [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH).flatMap(encodings))]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(PLACEHOLDER)
    return out
  }
}

/**
 * A copy of parsed JSON with every string passed through `redact`, bounded in depth and width,
 * for an error's `cause`. Keys are redacted too: an AS may echo a form body as an object.
 *
 * @param value - the AS's parsed body
 * @param redact - the request's redactor
 * @returns the scrubbed copy
 */
export function redactJson(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value)
  if (typeof value !== 'object' || value === null) return value
  if (depth >= MAX_DEPTH) return PLACEHOLDER
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ENTRIES).map((item) => redactJson(item, redact, depth + 1))
  }
  // fromEntries defines own properties: a member named __proto__ cannot reach a prototype
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_ENTRIES)
      .map(([name, member]) => [redact(name), redactJson(member, redact, depth + 1)]),
  )
}
