/**
 * @module What `createUmaFetch`, `createUmaClient` and `umaInterceptor` share: the trust checks
 * (`trustedIssuers`, then the resource server's RFC 9728 metadata), discovery, the RPT store, and
 * exchanges that help each other without waiting on each other.
 */
import { UmaError, createDiscoveryCache, isUmaError } from '@uma-kit/core'
import { within } from './abort.js'
import type { ClientChallenge } from './challenge.js'
import { exchangeTicket, type ExchangeInput } from './exchange.js'
import { createGrantClient, type GrantClient } from './grant.js'
import type { GrantedRpt } from './grant-response.js'
import { findTrustedIssuer, resolveClientOptions, type ResolvedClientOptions } from './options.js'
import { defaultParty, type Party } from './party.js'
import {
  checkMetadataUrl,
  coversResource,
  createResourceMetadataReader,
  type ResourceMetadataReader,
} from './resource-metadata.js'
import { createRptStore, type RptStore } from './rpt-store.js'
import { shownUrl, shownValue } from './shown.js'

/** The shared machinery of one client. */
export interface UmaEngine {
  readonly options: ResolvedClientOptions
  readonly store: RptStore
  readonly grant: GrantClient
  /** The client's own party. */
  readonly party: Party
  /**
   * The trusted issuer an `as_uri` names.
   *
   * @param asUri - from a challenge or a caller
   * @param from - the resource server's origin, for the message
   * @returns the normalised issuer
   * @throws {UmaError} `untrusted_issuer`; nothing has been sent to that server
   */
  trust(asUri: string, from?: string): string
  /**
   * Both checks of a challenge: `trustedIssuers`, then, per `resourceMetadata`, the resource
   * server's own list of ASes.
   *
   * @param challenge - the challenge
   * @param resource - the URL that challenged
   * @param signal - the caller's cancellation
   * @returns the normalised, trusted issuer
   * @throws {UmaError} `untrusted_issuer`, `discovery_failed` (the metadata cannot be read)
   */
  checkChallenge(challenge: ClientChallenge, resource: URL, signal?: AbortSignal): Promise<string>
  /**
   * The RPT of another call's exchange for this (party, issuer, origin), once its first grant
   * request settles, waited for at most `timeoutMs`; never its later rounds (claims, polling).
   *
   * @returns the RPT, or `undefined` (none in flight, none granted at once, or too slow)
   */
  sharedRpt(
    party: string,
    issuer: string,
    origin: string,
    signal?: AbortSignal,
  ): Promise<string | undefined>
  /**
   * Exchanges a ticket for an RPT; calls arriving meanwhile for the same (party, issuer,
   * origin) may use its first answer.
   *
   * @returns the granted RPT
   */
  exchange(input: Omit<ExchangeInput, 'onFirstAnswer'>): Promise<GrantedRpt>
}

function untrusted(asUri: string, from: string | undefined): UmaError {
  const who = from === undefined ? 'the caller' : `the resource server at ${shownUrl(from)}`
  return new UmaError(
    'untrusted_issuer',
    `${who} named the authorization server ${shownValue(asUri)}, which is not in trustedIssuers; nothing was sent to it`,
  )
}

async function checkAgainstMetadata(
  reader: ResourceMetadataReader,
  store: RptStore,
  options: ResolvedClientOptions,
  challenge: ClientChallenge,
  issuer: string,
  resource: URL,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (challenge.resourceMetadata === undefined) {
    if (options.resourceMetadata !== 'require') return
    throw new UmaError(
      'untrusted_issuer',
      `the challenge of ${shownUrl(resource)} names no resource_metadata, which resourceMetadata: 'require' asks for`,
    )
  }
  const url = checkMetadataUrl(challenge.resourceMetadata, resource)
  const document = await reader.get(url, signal)
  // an RS that names several ASes for its resources must never get one AS's RPT for a resource
  // whose AS is not known yet: it would hand it to the other AS
  store.noteAuthorizationServers(resource, document.authorizationServers.length)
  if (!coversResource(document.resource, resource)) {
    throw new UmaError(
      'untrusted_issuer',
      `the resource server's metadata at ${shownUrl(url)} is about ${shownValue(document.resource)}, not ${shownUrl(resource)}`,
    )
  }
  if (!document.authorizationServers.includes(issuer)) {
    throw new UmaError(
      'untrusted_issuer',
      `the resource server's metadata at ${shownUrl(url)} does not list the authorization server ${issuer} that its challenge named`,
    )
  }
}

/**
 * Creates the engine from the caller's options.
 *
 * @param value - the caller's options
 * @returns the engine
 * @throws {TypeError} for bad options
 */
export function createEngine(value: unknown): UmaEngine {
  const options = resolveClientOptions(value)
  const discovery = createDiscoveryCache({ fetch: options.fetch, timeoutMs: options.timeoutMs })
  const grant = createGrantClient(options, discovery)
  const store = createRptStore(options.rptCacheMax)
  const reader = createResourceMetadataReader({
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  })
  const firstAnswers = new Map<string, Promise<string | undefined>>()
  const trust = (asUri: string, from?: string) => {
    const issuer = findTrustedIssuer(asUri, options.trustedIssuers)
    if (issuer === undefined) throw untrusted(asUri, from)
    return issuer
  }

  return {
    options,
    store,
    grant,
    party: defaultParty(options),
    trust,
    async checkChallenge(challenge, resource, signal) {
      const issuer = trust(challenge.asUri, resource.origin)
      if (options.resourceMetadata !== 'ignore') {
        await checkAgainstMetadata(reader, store, options, challenge, issuer, resource, signal)
      }
      return issuer
    },
    async sharedRpt(party, issuer, origin, signal) {
      const pending = firstAnswers.get(`${party}\n${issuer}\n${origin}`)
      return pending === undefined ? undefined : within(pending, options.timeoutMs, signal)
    },
    async exchange(input) {
      const key = `${input.party.key}\n${input.issuer}\n${input.origin}`
      let tell: (rpt: string | undefined) => void = () => undefined
      const first = new Promise<string | undefined>((resolve) => {
        tell = resolve
      })
      const mine = !firstAnswers.has(key)
      if (mine) firstAnswers.set(key, first)
      try {
        return await exchangeTicket({ ...input, onFirstAnswer: tell }, options, grant, store)
      } finally {
        tell(undefined)
        if (mine && firstAnswers.get(key) === first) firstAnswers.delete(key)
      }
    },
  }
}

/** Tells the `invalid_grant` a stale or replayed ticket causes. */
export function isStaleTicket(err: unknown): boolean {
  return isUmaError(err) && err.code === 'invalid_grant'
}
