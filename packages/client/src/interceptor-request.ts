/**
 * @module The request side of `umaInterceptor`: undici's header forms, which bodies can be sent
 * twice, and buffering a streamed body up to a bound.
 */
import type { Dispatcher } from 'undici'

/** The header forms undici takes. */
export type Headers = Dispatcher.DispatchOptions['headers']
/** Headers by lower-case name. */
export type HeaderRecord = Record<string, string | string[]>

/** Copies any of undici's header forms into a record with lower-case names. */
export function toRecord(headers: Headers): HeaderRecord {
  const out: HeaderRecord = {}
  if (headers === undefined || headers === null) return out
  const add = (name: string, value: string | string[] | undefined) => {
    if (value !== undefined) out[name.toLowerCase()] = value
  }
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), String(headers[i + 1]))
  } else if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string | string[] | undefined]>) {
      add(name, value)
    }
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value)
  }
  return out
}

/**
 * The headers with `Authorization: Bearer <rpt>`, replacing any the caller set.
 *
 * @param headers - the request's headers
 * @param rpt - the RPT
 * @returns a record of the headers
 */
export function withRpt(headers: Headers, rpt: string): HeaderRecord {
  return { ...toRecord(headers), authorization: `Bearer ${rpt}` }
}

/**
 * The URL a dispatch goes to.
 *
 * @param opts - the dispatch options
 * @returns the URL, or `undefined` where undici was given no origin
 */
export function urlOf(opts: Dispatcher.DispatchOptions): URL | undefined {
  try {
    return opts.origin === undefined ? undefined : new URL(opts.path, opts.origin)
  } catch {
    return undefined
  }
}

/** Bodies undici can send twice unchanged. */
export function isReplayable(body: Dispatcher.DispatchOptions['body']): boolean {
  return (
    body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array
  )
}

/** A body undici streams. */
export type ChunkSource = AsyncIterable<Uint8Array | string>

/** Streams and async iterables (what `undici.fetch` sends a request body as). */
export function isIterableBody(body: unknown): body is ChunkSource {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body
}

const toBuffer = (chunk: Uint8Array | string): Buffer => Buffer.from(chunk)

/**
 * Reads an iterable body up to `limit` bytes. Past the limit it gives back an iterable of what
 * was read and then the rest, so the request can still be sent once.
 */
export async function bufferBody(
  body: ChunkSource,
  limit: number,
): Promise<{ bytes: Buffer } | { rest: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]()
  const chunks: Buffer[] = []
  let size = 0
  for (;;) {
    const next = await iterator.next()
    if (next.done === true) return { bytes: Buffer.concat(chunks) }
    const chunk = toBuffer(next.value)
    chunks.push(chunk)
    size += chunk.byteLength
    if (size > limit) {
      return {
        rest: (async function* rest() {
          yield* chunks
          for (let more = await iterator.next(); more.done !== true; more = await iterator.next()) {
            yield toBuffer(more.value)
          }
        })(),
      }
    }
  }
}

/** For reporting a failure that happened before undici handed out a controller. */
export const DETACHED: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
}
