/**
 * @module A request taken apart once so it can be sent twice with the same method, URL, headers
 * and body: the retry after a UMA challenge must be the request the caller made. Each send is a
 * {@link Hop}; a redirect makes the next one (see `redirects.ts`).
 */

/** The `redirect` member of `RequestInit`. */
type RequestRedirect = NonNullable<RequestInit['redirect']>

/** One request on the way to the resource: the first, or one a redirect led to. */
export interface Hop {
  readonly url: URL
  readonly method: string
  /** The caller's headers as they stand at this hop (no RPT). */
  readonly headers: Headers
  /** The body, or `null`; a non-replayable request has none here (see `PreparedRequest.once`). */
  readonly body: Uint8Array | null
  /** Whether the caller's own `Authorization` is still on this hop (fetch drops it cross-origin). */
  readonly callerAuthorization: boolean
}

/** A request ready to send, and to send again where `replayable`. */
export interface PreparedRequest {
  /** The caller's redirect mode. */
  readonly redirect: RequestRedirect
  /** The caller's cancellation. */
  readonly signal: AbortSignal | undefined
  /** Whether a second send carries the same body. */
  readonly replayable: boolean
  /** The first hop. */
  readonly first: Hop
  /**
   * Builds the `RequestInit` of one send of a replayable request.
   *
   * @param hop - what to send
   * @param rpt - the RPT to send as `Authorization: Bearer`, replacing the caller's
   * @param redirect - the redirect mode of this send
   * @returns the init
   */
  init(hop: Hop, rpt: string | undefined, redirect: RequestRedirect): RequestInit
  /**
   * The init of the only send of a request whose body could not be buffered.
   *
   * @param rpt - the RPT to send, if any
   * @returns the init; its body can be used once
   */
  once(rpt: string | undefined): RequestInit
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
      return {
        stream: new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift()
            if (chunk !== undefined) {
              controller.enqueue(chunk)
              return
            }
            return reader.read().then(({ done: end, value: next }) => {
              if (end) controller.close()
              else controller.enqueue(next)
            })
          },
          cancel: (reason) => reader.cancel(reason),
        }),
      }
    }
  }
  return { bytes: Buffer.concat(chunks) }
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
    const method = init?.method ?? 'GET'
    return prepared(url, new Headers(given), { bytes: null }, init, method, asGiven)
  }
  const streamed = isStreamBody(input, init)
  const request = new Request(input, init)
  const read: BodyRead =
    request.body === null
      ? { bytes: null }
      : await readBounded(request.body, streamed ? maxReplayBytes : Number.POSITIVE_INFINITY)
  const fromRequest: RequestInit = { redirect: request.redirect }
  if (input instanceof Request) fromRequest.signal = input.signal
  return prepared(
    new URL(request.url),
    new Headers(request.headers),
    read,
    { ...fromRequest, ...init },
    request.method,
  )
}

/**
 * The `body` member of an init: left out when there is none, because undici's fetch takes a
 * slower path for an explicit `body: null` (about 12 µs of CPU per request, measured).
 */
function bodyOf(bytes: Uint8Array | null): RequestInit {
  return bytes === null ? {} : { body: bytes }
}

function withRpt(headers: Headers, rpt: string | undefined): Headers {
  const out = new Headers(headers)
  if (rpt !== undefined) out.set('authorization', `Bearer ${rpt}`)
  return out
}

function prepared(
  url: URL,
  headers: Headers,
  read: BodyRead,
  init: RequestInit | undefined,
  method: string,
  asGiven?: RequestInit,
): PreparedRequest {
  const base: RequestInit = { ...init }
  delete base.body
  delete base.headers
  delete base.method
  delete base.redirect
  if (base.signal === null) delete base.signal
  let plainFirst: RequestInit | undefined
  const first: Hop = {
    url,
    method,
    headers,
    body: 'bytes' in read ? read.bytes : null,
    callerAuthorization: headers.has('authorization'),
  }
  return {
    redirect: init?.redirect ?? 'follow',
    signal: base.signal ?? undefined,
    replayable: 'bytes' in read,
    first,
    init(hop, rpt, redirect) {
      if (rpt === undefined && hop === first && redirect === 'manual') {
        // fetch changes nothing it is given, so every first send without an RPT shares one init
        plainFirst ??= {
          ...base,
          ...(asGiven ?? { headers }),
          method,
          redirect,
          ...bodyOf(first.body),
        }
        return plainFirst
      }
      const sendHeaders =
        rpt === undefined && hop === first && asGiven !== undefined
          ? asGiven
          : { headers: withRpt(hop.headers, rpt) }
      return { ...base, ...sendHeaders, method: hop.method, redirect, ...bodyOf(hop.body) }
    },
    once(rpt) {
      const streaming: RequestInit & { duplex: 'half' } = {
        ...base,
        method,
        headers: withRpt(headers, rpt),
        redirect: init?.redirect ?? 'follow',
        duplex: 'half',
      }
      if ('stream' in read) streaming.body = read.stream
      return streaming
    },
  }
}
