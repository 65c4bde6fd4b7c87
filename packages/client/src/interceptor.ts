/**
 * @module `umaInterceptor`: the behaviour of `createUmaFetch` for undici's `Dispatcher.compose`,
 * so `undici.request`, `undici.fetch` and anything else on that dispatcher answer UMA challenges.
 */
import { Readable } from 'node:stream'
import { UmaError } from '@uma-kit/core'
import { isHttpsOrLoopback } from '@uma-kit/core/internal'
import type { Dispatcher } from 'undici'
import { readChallenge, type ClientChallenge } from './challenge.js'
import { createEngine, isStaleTicket, type UmaEngine } from './engine.js'
import {
  DETACHED,
  bufferBody,
  isIterableBody,
  isReplayable,
  toRecord,
  urlOf,
  withRpt,
} from './interceptor-request.js'
import type { UmaFetchOptions } from './options.js'
import { resolveParty, type CallParty } from './party.js'
import { shownUrl } from './shown.js'

function challengeOf(
  statusCode: number,
  headers: Record<string, unknown>,
): ClientChallenge | undefined {
  if (statusCode !== 401 && statusCode !== 403) return undefined
  const field = headers['www-authenticate']
  const value = Array.isArray(field) ? field.join(', ') : field
  return typeof value === 'string' ? readChallenge(value) : undefined
}

/** The URL undici's redirect interceptor last went to, where it sits below this one. */
function lastHop(context: unknown): URL | undefined {
  if (typeof context !== 'object' || context === null) return undefined
  const history = (context as { history?: unknown }).history
  if (!Array.isArray(history)) return undefined
  const last: unknown = history[history.length - 1]
  return last instanceof URL ? last : undefined
}

type Stage = 'first' | 'refetch' | 'final'

/** One request as the interceptor handles it. */
interface Call {
  readonly engine: UmaEngine
  readonly dispatch: Dispatcher.Dispatch
  readonly opts: Dispatcher.DispatchOptions
  readonly url: URL
  readonly party: CallParty
}

/** Watches one request: swallows the challenge response, gets an RPT, sends the request again. */
class UmaHandler implements Dispatcher.DispatchHandler {
  #stage: Stage = 'first'
  #challenge: ClientChallenge | undefined
  #context: unknown

  private readonly call: Call
  private readonly handler: Dispatcher.DispatchHandler

  constructor(call: Call, handler: Dispatcher.DispatchHandler) {
    this.call = call
    this.handler = handler
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#context = context
    this.handler.onRequestStart?.(controller, context)
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[2],
    socket: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[3],
  ): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.#challenge = this.#stage === 'final' ? undefined : challengeOf(statusCode, headers)
    // a redirect interceptor below this one went to another origin: a challenge from there
    // cannot be answered here without sending that origin's RPT to this one, so it is not
    const hop = lastHop(this.#context)
    if (hop !== undefined && hop.origin !== this.call.url.origin) this.#challenge = undefined
    if (this.#challenge === undefined) {
      this.#stage = 'final'
      this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
      return
    }
    if (!isHttpsOrLoopback(this.call.url)) {
      throw new UmaError(
        'insecure_endpoint',
        `${shownUrl(this.call.url)} challenged, but an RPT for it would travel in clear text (plain http is allowed on loopback only)`,
      )
    }
    // an untrusted as_uri fails the request here, before anything is sent to that server
    this.call.engine.trust(this.#challenge.asUri, this.call.url.origin)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#challenge === undefined) this.handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Record<string, string | string[] | undefined>,
  ): void {
    const challenge = this.#challenge
    if (challenge === undefined) {
      this.handler.onResponseEnd?.(controller, trailers)
      return
    }
    this.#challenge = undefined
    const { engine, dispatch, opts, url, party } = this.call
    this.#obtain(challenge).then(
      (rpt) => {
        this.#stage = 'final'
        dispatch({ ...opts, headers: withRpt(opts.headers, rpt) }, this)
      },
      (err: unknown) => {
        if (this.#stage === 'first' && isStaleTicket(err)) {
          // the ticket was spent or expired: the resource server hands out a fresh one, once
          this.#stage = 'refetch'
          const held = engine.store.held(party.key, url)
          dispatch(
            held === undefined ? opts : { ...opts, headers: withRpt(opts.headers, held) },
            this,
          )
          return
        }
        this.handler.onResponseError?.(
          controller,
          err instanceof Error ? err : new Error(String(err)),
        )
      },
    )
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.handler.onResponseError?.(controller, error)
  }

  async #obtain(challenge: ClientChallenge): Promise<string> {
    const { engine, url, party } = this.call
    const issuer = await engine.checkChallenge(challenge, url)
    engine.store.learn(url, issuer)
    const exchange = { issuer, origin: url.origin, ticket: challenge.ticket, party }
    return (await engine.exchange(exchange)).rpt
  }
}

/**
 * Creates an undici interceptor that answers UMA challenges as `createUmaFetch` does. Request
 * bodies given as strings or bytes are replayed; a stream or async iterable (`undici.fetch`'s
 * form) is read into memory up to `maxReplayBytes` and replayed, or past that sent once and its
 * response returned as it is.
 *
 * @param options - the options of `createUmaFetch` (its `fetch` is used for AS calls only)
 * @returns the interceptor, for `dispatcher.compose(umaInterceptor(options))`
 * @throws {TypeError} for bad options
 * Compose it before undici's redirect interceptor (`compose(umaInterceptor(o),
 * interceptors.redirect())`) so that it sees each hop; composed after it, a challenge from
 * another origin than the one asked is returned untouched.
 *
 * @example
 * ```ts
 * import { umaInterceptor } from '@uma-kit/client'
 * import { Agent, request } from 'undici'
 *
 * const dispatcher = new Agent().compose(umaInterceptor({ trustedIssuers, clientId, clientSecret }))
 * const { statusCode } = await request('https://photos.example/photos/1', { dispatcher })
 * ```
 */
export function umaInterceptor(options: UmaFetchOptions): Dispatcher.DispatcherComposeInterceptor {
  const engine = createEngine(options)
  return (dispatch) =>
    function dispatchWithUma(opts, handler) {
      const url = urlOf(opts)
      if (url === undefined) return dispatch(opts, handler)
      if (engine.party.requestingPartyToken === undefined) {
        return start(engine, dispatch, opts, handler, url, engine.party.self)
      }
      // the party is keyed by its token's hash: it has to be asked for before the first send
      Promise.resolve(resolveParty(engine.party)).then(
        (party) => start(engine, dispatch, opts, handler, url, party),
        (err: unknown) => {
          fail(handler, err)
        },
      )
      return true
    }
}

function fail(handler: Dispatcher.DispatchHandler, err: unknown): void {
  handler.onResponseError?.(DETACHED, err instanceof Error ? err : new Error('the request failed'))
}

function start(
  engine: UmaEngine,
  dispatch: Dispatcher.Dispatch,
  opts: Dispatcher.DispatchOptions,
  handler: Dispatcher.DispatchHandler,
  url: URL,
  party: CallParty,
): boolean {
  const callerAuthorization = 'authorization' in toRecord(opts.headers)
  const held =
    callerAuthorization || !isHttpsOrLoopback(url) ? undefined : engine.store.held(party.key, url)
  const first = held === undefined ? opts : { ...opts, headers: withRpt(opts.headers, held) }
  const call = (replayable: Dispatcher.DispatchOptions): Call => ({
    engine,
    dispatch,
    opts: replayable,
    url,
    party,
  })
  if (isReplayable(opts.body)) return dispatch(first, new UmaHandler(call(opts), handler))
  const body: unknown = opts.body
  if (!isIterableBody(body)) return dispatch(first, handler)
  // a streamed body is read into memory up to maxReplayBytes so the retry can carry it
  bufferBody(body, engine.options.maxReplayBytes).then(
    (read) => {
      if ('bytes' in read) {
        const replayable = { ...opts, body: read.bytes }
        dispatch({ ...first, body: read.bytes }, new UmaHandler(call(replayable), handler))
      } else {
        dispatch({ ...first, body: Readable.from(read.rest) }, handler)
      }
    },
    (err: unknown) => {
      fail(handler, err)
    },
  )
  return true
}
