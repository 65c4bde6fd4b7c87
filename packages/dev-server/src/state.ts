/**
 * @module What the development AS holds in memory: its signing key, PATs, resources, tickets,
 * RPTs, PCTs and the owner's pending approvals. One state outlives a restart of the HTTP
 * server, so tests can stop and start the AS in the middle of a session. Nothing is persisted.
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
  /** CAS's `uri` member. */
  uri?: string
}

/** A permission ticket: short-lived, carrying the claims gathered so far. */
export interface StoredTicket {
  permissions: GrantedPermission[]
  expiresAt: number
  rsClient: string
  claims: Record<string, string>
}

/** An RPT the AS issued, for introspection and upgrades. */
export interface StoredRpt {
  clientId: string
  /** The requesting party: the client, or the `sub` of a pushed ID token (WSO2 shape). */
  subject: string
  issuedAt: number
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

/** A PAT, or a CAS AAT: an access token of one client. */
export interface StoredAccessToken {
  clientId: string
  /** The owner a PAT registers resources for; none for an AAT. */
  owner: string | undefined
  expiresAt: number
}

/** The AS's memory. */
export interface AsState {
  readonly config: AsConfig
  readonly signingKey: CryptoKey
  readonly publicJwk: JWK
  readonly kid: string
  /** PATs (scope `uma_protection`). */
  readonly pats: Map<string, StoredAccessToken>
  /** CAS's AATs (scope `uma_authorization`), which authenticate RPT requests there. */
  readonly aats: Map<string, StoredAccessToken>
  readonly resources: Map<string, StoredResource>
  /** Opaque tickets (spec, CAS, WSO2); Keycloak's are signed JWTs, kept nowhere. */
  readonly tickets: Map<string, StoredTicket>
  /** RPTs by `jti:<JWT id>`, or by `opaque:<token>` where RPTs are opaque (WSO2). */
  readonly rpts: Map<string, StoredRpt>
  readonly pcts: Map<string, { clientId: string; claims: Record<string, string> }>
  /** WSO2's refresh tokens: a new RPT with the same permissions, without a new assessment. */
  readonly refreshTokens: Map<string, Omit<StoredRpt, 'issuedAt' | 'expiresAt'>>
  /** Pending, approved and denied requests, by `clientId|resourceId|scope`. */
  readonly requests: Map<string, PendingRequest>
  /** The last numeric resource id given out (CAS numbers its resources). */
  lastResourceNumber: number
  /** Seconds since the epoch; replaceable in tests. */
  now: () => number
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
    aats: new Map(),
    resources: new Map(),
    tickets: new Map(),
    rpts: new Map(),
    pcts: new Map(),
    refreshTokens: new Map(),
    requests: new Map(),
    lastResourceNumber: 0,
    now: () => Math.floor(Date.now() / 1000),
  }
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
