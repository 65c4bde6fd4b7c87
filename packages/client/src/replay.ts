/**
 * @module A request taken apart once so it can be sent twice with the same method, URL, headers
 * and body: the retry after a UMA challenge must be the request the caller made.
 */

/** A request ready to send, and to send again where `replayable`. */
export interface PreparedRequest {
  readonly url: string
  readonly origin: string
  /** The caller's headers; copied for each send. */
  readonly headers: Headers
  /** Whether the caller set its own `Authorization`. */
  readonly callerAuthorization: boolean
  /** Whether a second send carries the same body. */
  readonly replayable: boolean
  /**
   * Builds the `RequestInit` of one send.
   *
   * @param rpt - the RPT to send as `Authorization: Bearer`, replacing the caller's
   * @returns the init; the body of a non-replayable request can be used once
   */
  init(rpt?: string): RequestInit
}

type BodyRead = { bytes: Uint8Array | null } | { stream: ReadableStream<Uint8Array> }

/**
 * Reads a stream up to `limit` bytes. Past the limit it gives back a stream that yields what was
 * read and then the rest, so the request can still be sent once.
 */
async function readBounded(body: ReadableStream<Uint8Array>, limit: number): Promise<BodyRead> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size > limit) {
      const rest = reader
      return {
        stream: new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift()
            if (chunk !== undefined) {
              controller.enqueue(chunk)
              return
            }
            return rest.read().then(({ done: end, value: next }) => {
              if (end) controller.close()
              else controller.enqueue(next)
            })
          },
          cancel: (reason) => rest.cancel(reason),
        }),
      }
    }
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { bytes }
}

function isStreamBody(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): boolean {
  if (init?.body !== undefined && init.body !== null) return init.body instanceof ReadableStream
  return input instanceof Request && input.body !== null
}

/**
 * Takes a `fetch` call apart. Strings, buffers, typed arrays, `Blob`s, `URLSearchParams` and
 * `FormData` are serialised as `fetch` would (with its `Content-Type`); a stream body, or that
 * of a `Request`, is buffered up to `maxReplayBytes`.
 *
 * @param input - `fetch`'s first argument
 * @param init - `fetch`'s second argument
 * @param maxReplayBytes - bound on buffering a stream body
 * @returns the prepared request
 * @throws {TypeError} as `fetch` does, for a bad URL or init
 */
export async function prepareRequest(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  maxReplayBytes: number,
): Promise<PreparedRequest> {
  // the common case, a URL and no body, needs no Request: fetch builds its own
  if (!(input instanceof Request) && (init?.body === undefined || init.body === null)) {
    const url = new URL(input instanceof URL ? input.href : input)
    const given = init?.headers
    // sent as the caller gave them (or not at all) when no RPT is added: fetch reads those fastest
    const asGiven: RequestInit = given === undefined ? {} : { headers: given }
    return prepared(
      url,
      new Headers(given),
      { bytes: null },
      init,
      {
        method: init?.method ?? 'GET',
      },
      asGiven,
    )
  }
  const streamed = isStreamBody(input, init)
  const request = new Request(input, init)
  const read: BodyRead =
    request.body === null
      ? { bytes: null }
      : await readBounded(request.body, streamed ? maxReplayBytes : Number.POSITIVE_INFINITY)
  return prepared(new URL(request.url), new Headers(request.headers), read, init, {
    method: request.method,
    redirect: request.redirect,
    signal: init?.signal ?? (input instanceof Request ? input.signal : null),
  })
}

/**
 * The `body` member of an init: left out when there is none, because undici's fetch takes a
 * slower path for an explicit `body: null` (about 12 µs of CPU per request, measured).
 */
function bodyOf(bytes: Uint8Array | null): RequestInit {
  return bytes === null ? {} : { body: bytes }
}

function prepared(
  url: URL,
  headers: Headers,
  read: BodyRead,
  init: RequestInit | undefined,
  fromRequest: RequestInit,
  asGiven?: RequestInit,
): PreparedRequest {
  const rest: RequestInit = { ...init }
  delete rest.body
  delete rest.headers
  delete rest.method
  const base: RequestInit = { ...fromRequest, ...rest, method: fromRequest.method ?? 'GET' }
  if (fromRequest.signal !== undefined) base.signal = fromRequest.signal
  const headersAsGiven: RequestInit = asGiven ?? { headers }
  let withoutRpt: RequestInit | undefined
  return {
    url: url.href,
    origin: url.origin,
    headers,
    callerAuthorization: headers.has('authorization'),
    replayable: 'bytes' in read,
    init(rpt) {
      if (rpt === undefined && 'bytes' in read) {
        // fetch changes nothing it is given, so every send without an RPT shares one init
        withoutRpt ??= { ...base, ...headersAsGiven, ...bodyOf(read.bytes) }
        return withoutRpt
      }
      const sendHeaders = new Headers(headers)
      if (rpt !== undefined) sendHeaders.set('authorization', `Bearer ${rpt}`)
      if ('bytes' in read) return { ...base, headers: sendHeaders, ...bodyOf(read.bytes) }
      const streaming: RequestInit & { duplex: 'half' } = {
        ...base,
        headers: sendHeaders,
        body: read.stream,
        duplex: 'half',
      }
      return streaming
    },
  }
}
