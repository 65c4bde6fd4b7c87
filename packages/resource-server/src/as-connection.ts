/**
 * @module Everything the RS holds for one AS: its metadata, PAT, tickets, RPT checks, cache,
 * resource registry and resource names. Nothing here is shared with another AS but the HTTP
 * transport and the discovery cache (keyed by issuer), so an AS that is down or misbehaving
 * affects only the resources it protects.
 */
import type { DiscoveryCache, PermissionRequest } from '@uma-kit/core'
import { createMetadataSource, type MetadataSource } from './as-metadata.js'
import type { ResolvedAs } from './as-options.js'
import type { ResolvedCache } from './cache-options.js'
import type { CallContext } from './call-context.js'
import { createCallGate } from './call-gate.js'
import { INACTIVE, type CheckedRpt } from './checked-rpt.js'
import { createIntrospector } from './introspection.js'
import { createJwtVerifier, looksLikeJwt } from './jwt-rpt.js'
import { createPatProvider, type PatProvider } from './pat.js'
import { createResourceNames, type ResourceNames } from './resource-names.js'
import { createResourceRegistry, type ResourceRegistry } from './resources.js'
import { createRptCache, type RptCache } from './rpt-cache.js'
import type { SharedLevel } from './shared/shared-level.js'
import type { ResolvedLimits } from './limits-options.js'
import { shareTickets } from './ticket-flights.js'
import { createTicketRequester } from './tickets.js'

/** One AS, as the RS talks to it. */
export interface AsConnection {
  readonly issuer: string
  readonly options: ResolvedAs
  readonly metadata: MetadataSource
  readonly pats: PatProvider
  readonly cache: RptCache
  readonly resources: ResourceRegistry
  readonly names: ResourceNames
  /** Asks this AS for a ticket. */
  requestTicket(permissions: PermissionRequest[], context?: CallContext): Promise<string>
  /** Checks an RPT with this AS (introspection or its keys), uncached. */
  checkRpt(token: string, context?: CallContext): Promise<CheckedRpt>
}

/** What every AS of one RS shares. */
export interface SharedParts {
  readonly timeoutMs: number
  readonly toleranceSeconds: number
  readonly cache: ResolvedCache
  readonly discovery: DiscoveryCache
  readonly fetch: typeof fetch
  readonly now: () => number
  /** The fleet's shared level, where `cache.shared` is set. */
  readonly level: SharedLevel | undefined
  /** The flood guard's bounds, applied to each AS apart. */
  readonly limits: ResolvedLimits
}

/** Three base64url parts: what a JWS compact serialisation looks like. */
const JWS_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/

/**
 * Connects to one AS (lazily: nothing is sent before the first use).
 *
 * @param as - the AS's resolved options
 * @param shared - the transport, discovery, bounds and clock of the RS
 * @returns the connection
 */
export function createAsConnection(as: ResolvedAs, shared: SharedParts): AsConnection {
  const { timeoutMs, fetch: fetchImpl } = shared
  const metadata = createMetadataSource(as, shared.discovery)
  const pats = createPatProvider(as, timeoutMs, metadata, fetchImpl, shared.now)
  const introspect = createIntrospector(as, timeoutMs, metadata, pats, fetchImpl)
  const verifyJwt = createJwtVerifier(as, timeoutMs, shared.toleranceSeconds, metadata, fetchImpl)
  const casShaped = as.permissionRequestFormat === 'object'
  const { registry, list } = createResourceRegistry(casShaped, metadata, pats)

  const gate = createCallGate(shared.limits, as.issuer, shared.now)
  const reuseMs = shared.limits === false ? 0 : shared.limits.reuseTicketSeconds * 1000
  const tickets = createTicketRequester(as, metadata, pats)
  const requestTicket = shareTickets((p, c) => gate.run(() => tickets(p, c)), reuseMs, shared.now)

  function checkRpt(token: string, context: CallContext = {}): Promise<CheckedRpt> {
    if (as.rptValidation === 'jwt') return verifyJwt(token)
    if (as.rptValidation === 'auto' && JWS_SHAPE.test(token)) {
      // shaped like a JWT but not one: refused here, without asking the AS (flood guard)
      return looksLikeJwt(token) ? verifyJwt(token) : Promise.resolve(INACTIVE)
    }
    // a ticket may follow: fetch the PAT beside the introspection, not after it
    void pats.get(context).catch(() => undefined)
    return gate.run(() => introspect(token, context))
  }

  return Object.freeze({
    issuer: as.issuer,
    options: as,
    metadata,
    pats,
    cache: createRptCache(
      shared.cache,
      shared.toleranceSeconds,
      shared.now,
      shared.level === undefined
        ? undefined
        : { level: shared.level, issuer: as.issuer, waitMs: timeoutMs },
    ),
    resources: registry,
    names: createResourceNames(as.issuer, registry, list),
    requestTicket,
    checkRpt,
  })
}
