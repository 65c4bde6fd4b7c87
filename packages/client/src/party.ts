/**
 * @module Requesting parties: whose RPTs and PCTs a call may use. A server that calls resource
 * servers for many users must never send one user's RPT with another's request, so every held
 * token is keyed by the party it was obtained for.
 */
import { createHash } from 'node:crypto'
import { UmaError } from '@uma-kit/core'
import { argumentError, describeReceived } from '@uma-kit/core/internal'
import { abortable } from './abort.js'
import type { ClaimsCallback, RequestingPartyToken, ResolvedClientOptions } from './options.js'

/** Per-party settings of {@link UmaFetch.forParty}; each replaces the client-wide option. */
export interface PartyOptions {
  /** This party's token, sent as `Authorization: Bearer` on grant requests. */
  requestingPartyToken?: RequestingPartyToken | undefined
  /** This party's claims; see `UmaFetchOptions.claims`. */
  claims?: ClaimsCallback | undefined
}

/** A requesting party as configured. */
export interface Party {
  /** `''` for the client's own party; `p:<hash>` for a named one. */
  readonly id: string
  readonly requestingPartyToken: RequestingPartyToken | undefined
  readonly claims: ClaimsCallback | undefined
  /** The party as a call sees it where it has no token to ask for. */
  readonly self: CallParty
}

/** A party as one call sees it: the key of its tokens and the bearer token it goes with. */
export interface CallParty {
  /** Keys this party's RPTs and PCTs in the store. */
  readonly key: string
  /** The requesting party's token for grant requests, where one is configured. */
  readonly token: string | undefined
  readonly claims: ClaimsCallback | undefined
}

/** Longest party key and requesting-party token accepted. */
const MAX_PARTY_KEY_LENGTH = 1024
const MAX_TOKEN_LENGTH = 16_384

/** RFC 6750 §2.1's `b64token`: what an `Authorization: Bearer` value may hold. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

const hash = (value: string) => createHash('sha256').update(value).digest('base64url')

/**
 * The client's own party: the options' `requestingPartyToken` and `claims`.
 *
 * @param options - the checked options
 * @returns the party
 */
export function defaultParty(options: ResolvedClientOptions): Party {
  return makeParty('', options.requestingPartyToken, options.claims)
}

/**
 * A named party, whose tokens are kept apart from every other party's.
 *
 * @param key - identifies the party (a user id); only its SHA-256 is kept
 * @param overrides - the party's own `requestingPartyToken` and `claims`
 * @param options - the checked options, for what the party does not override
 * @returns the party
 * @throws {TypeError} for an empty or over-long key, or callbacks that are not functions
 */
export function namedParty(
  key: unknown,
  overrides: unknown,
  options: ResolvedClientOptions,
): Party {
  if (typeof key !== 'string' || key === '' || key.length > MAX_PARTY_KEY_LENGTH) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `party must be a non-empty string of at most ${MAX_PARTY_KEY_LENGTH} characters, received ${describeReceived(key)}`,
    )
  }
  const given = (overrides ?? {}) as PartyOptions
  if (typeof given !== 'object') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `party options must be an object, received ${describeReceived(overrides)}`,
    )
  }
  for (const name of ['requestingPartyToken', 'claims'] as const) {
    if (given[name] !== undefined && typeof given[name] !== 'function') {
      throw argumentError(
        'ERR_INVALID_ARG_TYPE',
        `party options.${name} must be a function, received ${describeReceived(given[name])}`,
      )
    }
  }
  return makeParty(
    `p:${hash(key)}`,
    given.requestingPartyToken ?? options.requestingPartyToken,
    given.claims ?? options.claims,
  )
}

function makeParty(
  id: string,
  requestingPartyToken: RequestingPartyToken | undefined,
  claims: ClaimsCallback | undefined,
): Party {
  const self: CallParty = Object.freeze({ key: id, token: undefined, claims })
  return Object.freeze({ id, requestingPartyToken, claims, self })
}

/**
 * Resolves a party for one call: asks for its token and derives the store key. Without a name,
 * a party with a token is keyed by the token's SHA-256, so that a server whose
 * `requestingPartyToken` answers per user keeps each user's RPTs apart without further setup.
 *
 * @param party - the configured party
 * @param signal - the caller's cancellation
 * @returns the party for this call, at once where there is no token to ask for
 * @throws {UmaError} `invalid_request` for a token that cannot be sent in a header
 */
export function resolveParty(party: Party, signal?: AbortSignal): CallParty | Promise<CallParty> {
  // most calls have no token to ask for: no promise for them
  if (party.requestingPartyToken === undefined) return party.self
  return partyToken(party.requestingPartyToken, signal).then((token) => {
    const key = party.id !== '' || token === undefined ? party.id : `t:${hash(token)}`
    return { key, token, claims: party.claims }
  })
}

async function partyToken(
  source: RequestingPartyToken | undefined,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (source === undefined) return undefined
  const token: unknown = await abortable(Promise.resolve().then(source), signal)
  if (token === undefined || token === '') return undefined
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    throw new UmaError(
      'invalid_request',
      `options.requestingPartyToken() gave an unusable token (${describeReceived(token)})`,
    )
  }
  return token
}
