/**
 * @module What the development AS holds in memory: its signing key, PATs, resources, tickets,
 * RPTs, PCTs and the owner's pending approvals. One state outlives a restart of the HTTP
 * server, so tests can stop and start the AS in the middle of a session.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'
import type { AsConfig } from './config.js'

/** One permission: a resource and scopes on it. */
export interface GrantedPermission {
  resource_id: string
  resource_scopes: string[]
}

/** A registered resource (UMA FedAuthz §3.1). */
export interface StoredResource {
  _id: string
  owner: string
  /** The resource server client that registered it. */
  rsClient: string
  name: string
  resource_scopes: string[]
  type?: string
  icon_uri?: string
  description?: string
}

/** A permission ticket: single use, short-lived, carrying the claims gathered so far. */
export interface StoredTicket {
  permissions: GrantedPermission[]
  expiresAt: number
  rsClient: string
  claims: Record<string, string>
}

/** An RPT the AS issued, for introspection and upgrades. */
export interface StoredRpt {
  clientId: string
  expiresAt: number
  permissions: GrantedPermission[]
}

/** A request that waits for the resource owner (UMA Grant §3.3.6 `request_submitted`). */
export interface PendingRequest {
  id: string
  owner: string
  clientId: string
  resourceId: string
  resourceName: string
  scope: string
  status: 'pending' | 'approved' | 'denied'
}

/** The AS's memory. */
export interface AsState {
  readonly config: AsConfig
  readonly signingKey: CryptoKey
  readonly publicJwk: JWK
  readonly kid: string
  readonly pats: Map<string, { clientId: string; expiresAt: number }>
  readonly resources: Map<string, StoredResource>
  readonly tickets: Map<string, StoredTicket>
  readonly rpts: Map<string, StoredRpt>
  readonly pcts: Map<string, { clientId: string; claims: Record<string, string> }>
  /** Pending, approved and denied requests, by `clientId|resourceId|scope`. */
  readonly requests: Map<string, PendingRequest>
  /** Seconds since the epoch; replaceable in tests. */
  now(): number
}

/** An unguessable opaque token. */
export function opaqueToken(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Creates the state, with a new ES256 signing key.
 *
 * @param config - the checked configuration
 * @returns the state
 */
export async function createAsState(config: AsConfig): Promise<AsState> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = randomUUID()
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  return {
    config,
    signingKey: privateKey,
    publicJwk,
    kid,
    pats: new Map(),
    resources: new Map(),
    tickets: new Map(),
    rpts: new Map(),
    pcts: new Map(),
    requests: new Map(),
    now: () => Math.floor(Date.now() / 1000),
  }
}

/**
 * Issues a ticket for permissions, with the claims gathered so far.
 *
 * @returns the ticket
 */
export function issueTicket(
  state: AsState,
  permissions: GrantedPermission[],
  rsClient: string,
  claims: Record<string, string> = {},
): string {
  const ticket = opaqueToken()
  state.tickets.set(ticket, {
    permissions,
    rsClient,
    claims,
    expiresAt: state.now() + state.config.lifetimes.ticketSeconds,
  })
  // expired tickets are swept as new ones are made, so memory stays bounded
  if (state.tickets.size > 10_000) {
    for (const [id, t] of state.tickets) if (t.expiresAt < state.now()) state.tickets.delete(id)
  }
  return ticket
}

/**
 * Takes a ticket out: tickets are single-use (UMA Grant §3.3.1), whether the request succeeds.
 *
 * @returns the ticket, or `undefined` when unknown, spent or expired
 */
export function burnTicket(state: AsState, ticket: string): StoredTicket | undefined {
  const stored = state.tickets.get(ticket)
  state.tickets.delete(ticket)
  return stored === undefined || stored.expiresAt < state.now() ? undefined : stored
}

/**
 * A resource's registered name, or its id where it has none (any more).
 *
 * @returns the name
 */
export function resourceName(state: AsState, resourceId: string): string {
  return state.resources.get(resourceId)?.name ?? resourceId
}

/**
 * Permissions for people and logs: `photo.jpg [print view], album [view]`.
 *
 * @returns the description
 */
export function describePermissions(state: AsState, permissions: GrantedPermission[]): string {
  return permissions
    .map((p) => `${resourceName(state, p.resource_id)} [${p.resource_scopes.join(' ')}]`)
    .join(', ')
}
