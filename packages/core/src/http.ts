/**
 * @module One guarded way to call an authorization server: timeout, no redirects, bounded body,
 * errors mapped to `UmaError` codes.
 */
import { UmaError, isUmaError } from './errors.js'
import { createRedactor, sentSecrets, type Redactor } from './scrub.js'
import { checkCredentialUrl } from './url.js'

/** Largest response body read from an AS unless a call says otherwise. */
export const DEFAULT_MAX_BODY_BYTES: number = 1024 * 1024

/** Default bound on each call to an AS. */
export const DEFAULT_TIMEOUT_MS = 5000

/** How {@link callAs} makes one call. */
export interface AsCallOptions {
  /** The `fetch` to use; global `fetch` by default. */
  fetch?: typeof fetch | undefined
  /** Bound on the whole call, headers and body. */
  timeoutMs: number
  /** Largest body read; a longer one is `invalid_response`. Default 1 MiB. */
  maxBodyBytes?: number | undefined
  /** The caller's own abort signal, combined with the timeout; its reason passes through. */
  signal?: AbortSignal | undefined
  /**
   * When the whole operation this call belongs to must be over (ms since the epoch, by
   * `Date.now()`): the call's bound is the sooner of `timeoutMs` and this.
   */
  deadline?: number | undefined
  /** What the call is for, used in error messages: `'discovery'`, `'ticket request'`. */
  purpose: string
}

/** A response from an AS, read whole. */
export interface AsResponse {
  readonly status: number
  readonly headers: Headers
  /** The body, decoded as UTF-8. */
  readonly text: string
  /** Whether the body parsed as JSON (by its content type, or sniffed when it has none). */
  readonly isJson: boolean
  /** The parsed body where `isJson`, else `undefined`. */
  readonly json: unknown
  /**
   * Scrubs the secrets the request carried (its `Authorization`, its token parameters) out of
   * text taken from this answer; every error built from it goes through this.
   */
  readonly redact: Redactor
}

function describeUrl(url: string | URL): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return 'the authorization server'
  }
}

function isAbort(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'AbortError' || err.name === 'TimeoutError' || err.name === 'ResponseAborted')
  )
}

function networkReason(err: unknown): string {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code
    current = current.cause
  }
  return 'network error'
}

/**
 * Maps a failure of a call to an AS to an `UmaError`: timeouts and network errors become
 * `as_unreachable`; an `UmaError` passes through.
 *
 * @param err - what `fetch` or the body read threw
 * @param purpose - what the call was for
 * @param url - the endpoint (only its origin and path reach the message)
 * @param timeoutMs - the bound that applied, for the message
 * @param callerSignal - the caller's own signal, whose abort reason passes through
 * @returns the error to throw
 */
export function toUmaError(
  err: unknown,
  purpose: string,
  url: string | URL,
  timeoutMs?: number,
  callerSignal?: AbortSignal,
): unknown {
  if (isUmaError(err)) return err
  if (callerSignal?.aborted === true) return callerSignal.reason
  const where = describeUrl(url)
  if (isAbort(err)) {
    const bound = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`
    return new UmaError('as_unreachable', `${purpose} to ${where} timed out${bound}`, {
      cause: err,
    })
  }
  return new UmaError('as_unreachable', `${purpose} to ${where} failed: ${networkReason(err)}`, {
    cause: err,
  })
}

function tooLarge(response: Response, limit: number, purpose: string): UmaError {
  return new UmaError('invalid_response', `${purpose}: response body exceeds ${limit} bytes`, {
    asStatus: response.status,
  })
}

/**
 * Reads the body up to `limit` bytes. The abort signal is watched here too, not only by `fetch`:
 * not every `fetch` (msw's, some polyfills) ends a stalled body stream when its signal fires.
 */
async function readBody(
  response: Response,
  limit: number,
  purpose: string,
  signal: AbortSignal,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (response.body === null) return ''
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader()
  // cancelling is best effort: a stream may never settle its cancel promise
  const abandon = (reason?: unknown) => void reader.cancel(reason).catch(() => undefined)
  if (Number.isFinite(declared) && declared > limit) {
    abandon()
    throw tooLarge(response, limit, purpose)
  }
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => {
      abandon(signal.reason)
      reject(signal.reason as Error)
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => undefined)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await Promise.race([reader.read(), aborted])
    if (done) break
    size += value.byteLength
    if (size > limit) {
      abandon()
      throw tooLarge(response, limit, purpose)
    }
    chunks.push(value)
  }
  // some fetch implementations end the stream quietly on abort: a cut body is not a body
  if (signal.aborted) throw signal.reason
  return new TextDecoder().decode(Buffer.concat(chunks))
}

function parseJson(text: string, contentType: string | null): { isJson: boolean; json: unknown } {
  const type = (contentType ?? '').toLowerCase()
  const declaredJson = /[/+]json\b/.test(type)
  const sniff = type === '' || type.startsWith('text/plain')
  const trimmed = text.trimStart()
  if (!declaredJson && !(sniff && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
    return { isJson: false, json: undefined }
  }
  try {
    return { isJson: true, json: JSON.parse(text) as unknown }
  } catch {
    return { isJson: false, json: undefined }
  }
}

/**
 * Calls an AS endpoint once: `redirect: 'manual'`, `AbortSignal.timeout(timeoutMs)` over headers
 * and body, the body read up to `maxBodyBytes`. Any status is returned; judging it is the
 * caller's job.
 *
 * @param url - the endpoint
 * @param init - method, headers, body (its `signal` and `redirect` are replaced)
 * @param options - timeout, body bound, `fetch`, purpose
 * @returns the response, read whole
 * @throws {UmaError} `as_unreachable` on a network error or timeout, `invalid_response` for an
 *   oversized body
 */
export async function callAs(
  url: string | URL,
  init: RequestInit,
  options: AsCallOptions,
): Promise<AsResponse> {
  checkCredentialUrl(url, options.purpose)
  const doFetch = options.fetch ?? fetch
  const bound = boundMs(options)
  const timeout = AbortSignal.timeout(bound)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const headers = new Headers(init.headers)
  try {
    const response = await doFetch(url, { ...init, headers, redirect: 'manual', signal })
    const text = await readBody(
      response,
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      options.purpose,
      signal,
    )
    const { isJson, json } = parseJson(text, response.headers.get('content-type'))
    const redact = createRedactor(sentSecrets(headers, init.body))
    return { status: response.status, headers: response.headers, text, isJson, json, redact }
  } catch (err) {
    throw toUmaError(err, options.purpose, url, bound, options.signal)
  }
}

/** The bound of one call: `timeoutMs`, shortened to what is left before the deadline. */
function boundMs(options: AsCallOptions): number {
  if (options.deadline === undefined) return options.timeoutMs
  const left = Math.floor(options.deadline - Date.now())
  if (left <= 0) {
    throw new UmaError(
      'as_unreachable',
      `${options.purpose} not sent: the deadline of the decision had passed`,
    )
  }
  return Math.min(options.timeoutMs, left)
}
