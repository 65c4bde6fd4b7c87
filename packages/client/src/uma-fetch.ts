/**
 * @module `createUmaFetch`: `fetch` that answers UMA challenges by itself (UMA Grant §3.1–3.3).
 */
import { discard, umaChallengeOf } from './challenge.js'
import { createEngine, isStaleTicket, type UmaEngine } from './engine.js'
import type { UmaFetchOptions } from './options.js'
import { prepareRequest, type PreparedRequest } from './replay.js'

/**
 * Creates a `fetch` that attaches the RPT it holds for a request's origin and, on a 401 (or 403)
 * with a UMA challenge from a trusted AS, obtains an RPT with the uma-ticket grant and sends the
 * request again, once.
 *
 * @param options - trusted issuers, client credentials, claims, polling, cache, timeout
 * @returns a function with `fetch`'s signature and behaviour
 * @throws {TypeError} for bad options
 * @example
 * ```ts
 * const umaFetch = createUmaFetch({ trustedIssuers: ['https://as.example'], clientId: 'app', clientSecret })
 * const photo = await umaFetch('https://photos.example/photos/1')
 * ```
 */
export function createUmaFetch(options: UmaFetchOptions): typeof fetch {
  const engine = createEngine(options)
  return (input, init) => umaFetch(engine, input, init)
}

async function umaFetch(
  engine: UmaEngine,
  input: Parameters<typeof fetch>[0],
  init?: RequestInit,
): Promise<Response> {
  const { options, store } = engine
  const request = await prepareRequest(input, init, options.maxReplayBytes)
  const held = request.callerAuthorization ? undefined : store.find(request.origin)
  const first = await send(engine, request, held?.rpt)
  if (!request.replayable) return first
  return answerChallenge(engine, request, first, held?.rpt)
}

function send(engine: UmaEngine, request: PreparedRequest, rpt?: string): Promise<Response> {
  return engine.options.fetch(request.url, request.init(rpt))
}

async function answerChallenge(
  engine: UmaEngine,
  request: PreparedRequest,
  response: Response,
  sentRpt: string | undefined,
): Promise<Response> {
  let challenge = umaChallengeOf(response)
  if (challenge === undefined) return response
  let issuer = trustOrDiscard(engine, challenge.asUri, response)
  discard(response)

  // another call is exchanging for this AS and origin, or has just done so: try its RPT first
  const shared =
    (await engine.inFlight(issuer, request.origin))?.rpt ?? engine.store.get(issuer, request.origin)
  if (shared !== undefined && shared !== sentRpt) {
    const retry = await send(engine, request, shared)
    challenge = umaChallengeOf(retry)
    if (challenge === undefined) return retry
    issuer = trustOrDiscard(engine, challenge.asUri, retry)
    discard(retry)
  }

  let rpt: string
  try {
    rpt = (await engine.exchange(issuer, request.origin, challenge.ticket)).rpt
  } catch (err) {
    if (!isStaleTicket(err)) throw err
    // the ticket was spent or expired: the resource server hands out a fresh one, once
    const again = await send(engine, request, engine.store.get(issuer, request.origin))
    const fresh = umaChallengeOf(again)
    if (fresh === undefined) return again
    const freshIssuer = trustOrDiscard(engine, fresh.asUri, again)
    discard(again)
    rpt = (await engine.exchange(freshIssuer, request.origin, fresh.ticket)).rpt
  }
  return send(engine, request, rpt)
}

function trustOrDiscard(engine: UmaEngine, asUri: string, response: Response): string {
  try {
    return engine.trust(asUri)
  } catch (err) {
    discard(response)
    throw err
  }
}
