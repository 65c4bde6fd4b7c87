/**
 * @module `createUmaFetch`: `fetch` that answers UMA challenges by itself (UMA Grant §3.1–3.3).
 */
import { UmaError } from '@uma-kit/core'
import { isHttpsOrLoopback } from '@uma-kit/core/internal'
import { discard, umaChallengeOf, type ClientChallenge } from './challenge.js'
import { createEngine, isStaleTicket, type UmaEngine } from './engine.js'
import type { UmaFetchOptions } from './options.js'
import { namedParty, resolveParty, type CallParty, type Party, type PartyOptions } from './party.js'
import { follow, type Sent } from './redirects.js'
import { prepareRequest, type PreparedRequest } from './replay.js'
import { shownUrl } from './shown.js'

/** The `fetch` of {@link createUmaFetch}, with a way to act for one requesting party. */
export interface UmaFetch {
  (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response>
  /**
   * A `fetch` that acts for one requesting party: its RPTs and PCTs are kept apart from every
   * other party's, and its own `requestingPartyToken` and `claims` replace the client-wide ones.
   * A server that calls resource servers for many users needs one per user.
   *
   * @param party - who the requests are for (a user id); only its SHA-256 is kept
   * @param options - that party's `requestingPartyToken` and `claims`
   * @returns the party's `fetch`
   * @throws {TypeError} for an empty key or callbacks that are not functions
   */
  forParty(party: string, options?: PartyOptions): typeof fetch
}

/**
 * Creates a `fetch` that attaches the RPT it holds for a request's origin and, on a 401 (or 403)
 * with a UMA challenge from a trusted AS, obtains an RPT with the uma-ticket grant and sends the
 * request again, once. Redirects are followed by the client itself, so that an RPT goes only to
 * the origin that challenged for it.
 *
 * @param options - trusted issuers, client credentials, claims, polling, cache, timeout
 * @returns a function with `fetch`'s signature and behaviour, and `forParty`
 * @throws {TypeError} for bad options
 * @example
 * ```ts
 * import { createUmaFetch } from '@uma-kit/client'
 *
 * const umaFetch = createUmaFetch({ trustedIssuers: ['https://as.example'], clientId: 'app', clientSecret })
 * const photo = await umaFetch('https://photos.example/photos/1')
 * const forAlice = umaFetch.forParty(alice.id, { requestingPartyToken: () => alice.accessToken })
 * ```
 */
export function createUmaFetch(options: UmaFetchOptions): UmaFetch {
  const engine = createEngine(options)
  const umaFetch = ((input, init) => partyFetch(engine, engine.party, input, init)) as UmaFetch
  umaFetch.forParty = (key, partyOptions) => {
    const party = namedParty(key, partyOptions, engine.options)
    return (input, init) => partyFetch(engine, party, input, init)
  }
  return umaFetch
}

async function partyFetch(
  engine: UmaEngine,
  configured: Party,
  input: Parameters<typeof fetch>[0],
  init?: RequestInit,
): Promise<Response> {
  const request = await prepareRequest(input, init, engine.options.maxReplayBytes)
  const resolved = resolveParty(configured, request.signal)
  const party = resolved instanceof Promise ? await resolved : resolved
  if (!request.replayable) {
    const { url } = request.first
    const rpt =
      request.first.callerAuthorization || !isHttpsOrLoopback(url)
        ? undefined
        : engine.store.held(party.key, url)
    return engine.options.fetch(url.href, request.once(rpt))
  }
  const first = await follow(engine, party, request, request.first)
  // most responses carry no challenge: no further step for them
  if (umaChallengeOf(first.response) === undefined) return first.response
  return answerChallenge(engine, party, request, first)
}

/** The challenge of a response, with the URL that made it. */
interface Met {
  readonly challenge: ClientChallenge
  readonly sent: Sent
  readonly issuer: string
}

/** Reads and checks the challenge of a response, or gives `undefined` where there is none. */
async function meet(
  engine: UmaEngine,
  request: PreparedRequest,
  sent: Sent,
): Promise<Met | undefined> {
  const challenge = umaChallengeOf(sent.response)
  if (challenge === undefined) return undefined
  const resource = sent.hop.url
  try {
    if (!isHttpsOrLoopback(resource)) {
      throw new UmaError(
        'insecure_endpoint',
        `${shownUrl(resource)} challenged, but an RPT for it would travel in clear text (plain http is allowed on loopback only); nothing was sent to its authorization server`,
      )
    }
    const issuer = await engine.checkChallenge(challenge, resource, request.signal)
    engine.store.learn(resource, issuer)
    return { challenge, sent, issuer }
  } finally {
    discard(sent.response)
  }
}

async function answerChallenge(
  engine: UmaEngine,
  party: CallParty,
  request: PreparedRequest,
  first: Sent,
): Promise<Response> {
  let met = await meet(engine, request, first)
  if (met === undefined) return first.response
  const { hop } = first
  const origin = hop.url.origin
  const { signal } = request

  // another call is exchanging for this party, AS and origin, or has just done so: try its RPT
  const shared =
    (await engine.sharedRpt(party.key, met.issuer, origin, signal)) ??
    engine.store.get(party.key, met.issuer, origin)
  if (shared !== undefined && shared !== first.rpt) {
    const retry = await follow(engine, party, request, hop, { origin, rpt: shared })
    if (retry.hop !== hop) return retry.response
    met = await meet(engine, request, retry)
    if (met === undefined) return retry.response
  }

  const exchange = (m: Met) =>
    engine.exchange({ issuer: m.issuer, origin, ticket: m.challenge.ticket, party, signal })
  let rpt: string
  try {
    rpt = (await exchange(met)).rpt
  } catch (err) {
    if (!isStaleTicket(err)) throw err
    // the ticket was spent or expired: the resource server hands out a fresh one, once
    const again = await follow(engine, party, request, hop)
    if (again.hop !== hop) return again.response
    const fresh = await meet(engine, request, again)
    if (fresh === undefined) return again.response
    rpt = (await exchange(fresh)).rpt
  }
  return (await follow(engine, party, request, hop, { origin, rpt })).response
}
