/**
 * @module What `createUmaFetch`, `createUmaClient` and `umaInterceptor` share: the trust check,
 * discovery, the RPT store, and one ticket exchange in flight per (issuer, origin).
 */
import { UmaError, createDiscoveryCache, isUmaError } from '@uma-kit/core'
import { exchangeTicket } from './exchange.js'
import { createGrantClient, type GrantClient } from './grant.js'
import type { GrantedRpt } from './grant-response.js'
import { findTrustedIssuer, resolveClientOptions, type ResolvedClientOptions } from './options.js'
import { createRptStore, type RptStore } from './rpt-store.js'

/** The shared machinery of one client. */
export interface UmaEngine {
  readonly options: ResolvedClientOptions
  readonly store: RptStore
  readonly grant: GrantClient
  /**
   * The trusted issuer an `as_uri` names.
   *
   * @param asUri - from a challenge or a caller
   * @returns the normalised issuer
   * @throws {UmaError} `untrusted_issuer`; nothing has been sent to that server
   */
  trust(asUri: string): string
  /**
   * The exchange for this (issuer, origin) in flight, if any.
   *
   * @returns its promise, which never rejects (a failure gives `undefined`)
   */
  inFlight(issuer: string, origin: string): Promise<GrantedRpt | undefined> | undefined
  /**
   * Exchanges a ticket for an RPT, as the one exchange in flight for its (issuer, origin).
   *
   * @returns the granted RPT
   */
  exchange(issuer: string, origin: string, ticket: string): Promise<GrantedRpt>
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
  const flights = new Map<string, Promise<GrantedRpt | undefined>>()

  return {
    options,
    store,
    grant,
    trust(asUri) {
      const issuer = findTrustedIssuer(asUri, options.trustedIssuers)
      if (issuer === undefined) {
        throw new UmaError(
          'untrusted_issuer',
          'the resource server named an authorization server that is not in trustedIssuers',
        )
      }
      return issuer
    },
    inFlight: (issuer, origin) => flights.get(`${issuer}\n${origin}`),
    exchange(issuer, origin, ticket) {
      const key = `${issuer}\n${origin}`
      const running = exchangeTicket({ issuer, origin, ticket }, options, grant, store)
      const shared = running.then(
        (granted) => granted,
        () => undefined,
      )
      flights.set(key, shared)
      void shared.then(() => {
        if (flights.get(key) === shared) flights.delete(key)
      })
      return running
    },
  }
}

/** Tells the `invalid_grant` a stale or replayed ticket causes. */
export function isStaleTicket(err: unknown): boolean {
  return isUmaError(err) && err.code === 'invalid_grant'
}
