/**
 * @module Issuer identifiers and endpoint URLs.
 */
import { UmaError, argumentError, describeReceived } from './errors.js'

function parseHttpUrl(value: unknown, label: string): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `${label} must be a string or URL, received ${describeReceived(value)}`,
    )
  }
  const text = value instanceof URL ? value.href : value
  if (text.length > 2048) {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label} is longer than 2048 characters`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label} is not an absolute URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label} must be an http(s) URL`)
  }
  if (url.username !== '' || url.password !== '') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label} must not carry credentials`)
  }
  return url
}

/**
 * Normalises an issuer identifier for use and comparison: WHATWG URL serialisation (lower-case
 * host, no default port) without one trailing `/`.
 *
 * @param issuer - the AS's issuer or a challenge's `as_uri`
 * @param label - the option or argument name, for the error message
 * @returns the normalised issuer
 * @throws {TypeError} for a non-URL, a non-http(s) URL, credentials, a query or a fragment
 * @see RFC 8414 §2 (`issuer`)
 */
export function normalizeIssuer(issuer: unknown, label = 'issuer'): string {
  const url = parseHttpUrl(issuer, label)
  if (url.search !== '' || url.hash !== '') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label} must not have a query or fragment`)
  }
  return url.href.endsWith('/') ? url.href.slice(0, -1) : url.href
}

/**
 * Compares two issuer identifiers after {@link normalizeIssuer}; never throws.
 *
 * @param a - an issuer
 * @param b - another issuer
 * @returns whether both name the same AS
 */
export function sameIssuer(a: unknown, b: unknown): boolean {
  try {
    return normalizeIssuer(a) === normalizeIssuer(b)
  } catch {
    return false
  }
}

/**
 * Tells loopback hosts (`localhost`, `127.0.0.0/8`, `::1`), where plain `http` is acceptable.
 *
 * @param url - an absolute URL
 * @returns whether its host is a loopback address
 */
export function isLoopbackUrl(url: string | URL): boolean {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  )
}

/**
 * Whether a URL may carry credentials or a browser: `https`, or plain `http` on a loopback
 * address (local development and tests). Never throws.
 *
 * @param url - an absolute URL
 * @returns whether it is acceptable
 */
export function isHttpsOrLoopback(url: string | URL): boolean {
  let parsed: URL
  try {
    parsed = typeof url === 'string' ? new URL(url) : url
  } catch {
    return false
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackUrl(parsed))
}

/**
 * Normalises an issuer given in options and refuses one that credentials could not safely go
 * to: what {@link normalizeIssuer} refuses, and any URL that is neither `https` nor loopback.
 *
 * @param issuer - the option's value
 * @param label - the option's name, for the message
 * @returns the normalised issuer
 * @throws {TypeError} `ERR_INVALID_ARG_VALUE`
 */
export function normalizeSecureIssuer(issuer: unknown, label: string): string {
  const normalized = normalizeIssuer(issuer, label)
  if (!isHttpsOrLoopback(normalized)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${label} must be https (plain http is allowed on loopback only), received ${normalized}`,
    )
  }
  return normalized
}

/**
 * The check made before anything is sent to an AS: its URL must be `https`, or plain `http` on
 * loopback. An AS's metadata (discovered or hand-set) may name any URL; a token, secret or
 * ticket must never travel in clear text because a document said so.
 *
 * @param url - the endpoint about to be called
 * @param purpose - what the call is for, for the message
 * @throws {UmaError} `insecure_endpoint`; nothing has been sent
 */
export function checkCredentialUrl(url: string | URL, purpose: string): void {
  if (isHttpsOrLoopback(url)) return
  let shown = 'an unparsable URL'
  try {
    const parsed = new URL(url)
    shown = `${parsed.origin}${parsed.pathname}`
  } catch {
    // keep the placeholder
  }
  throw new UmaError(
    'insecure_endpoint',
    `${purpose} refused: ${shown} is not https (plain http is allowed on loopback only)`,
  )
}

/**
 * Appends one path segment, percent-encoded, to an endpoint URL without doubling or dropping
 * `/`; the endpoint's query, if any, is kept.
 *
 * @param endpoint - e.g. the `resource_registration_endpoint`
 * @param segment - e.g. a resource id, which may itself be a URL (SolidLab)
 * @returns the joined URL
 * @see the README's vendor notes
 */
export function appendPathSegment(endpoint: string, segment: string): string {
  const url = new URL(endpoint)
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  url.pathname = base + encodeURIComponent(segment)
  return url.href
}
