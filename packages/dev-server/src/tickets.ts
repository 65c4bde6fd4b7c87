/**
 * @module Permission tickets (UMA FedAuthz §4, Grant §3.3.1): opaque and single-use by default;
 * reusable until they expire in the CAS shape; in the Keycloak shape signed JWTs, reusable until
 * their `exp`, which Keycloak copies from the PAT that asked for them (Keycloak; see the README's vendor notes).
 */
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose'
import type { ServerContext } from './context.js'
import { opaqueToken, type AsState, type GrantedPermission, type StoredTicket } from './state.js'

/** Tells a ticket JWT from an RPT signed with the same key. */
const TICKET_TYPE = 'uma-kit-dev-server-ticket'

/**
 * Issues an opaque ticket for permissions, with the claims gathered so far.
 *
 * @param ticket - the ticket's value (WSO2's are UUIDs) @default a random base64url string
 * @returns the ticket
 */
export function issueTicket(
  state: AsState,
  permissions: GrantedPermission[],
  rsClient: string,
  claims: Record<string, string> = {},
  ticket: string = opaqueToken(),
): string {
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
 * Reads a ticket without spending it, as CAS does (its tickets live until they expire).
 *
 * @returns the ticket, or `undefined` when unknown or expired
 */
export function peekTicket(state: AsState, ticket: string): StoredTicket | undefined {
  const stored = state.tickets.get(ticket)
  return stored === undefined || stored.expiresAt < state.now() ? undefined : stored
}

/**
 * Signs a Keycloak-style ticket: a JWT holding the permissions, kept nowhere, valid until `exp`.
 *
 * @param ctx - the server
 * @param permissions - what the RS asked for
 * @param rsClient - the RS's client id (`azp`)
 * @param expiresAt - the PAT's expiry, in seconds since the epoch
 * @returns the ticket
 */
export async function signTicket(
  ctx: ServerContext,
  permissions: GrantedPermission[],
  rsClient: string,
  expiresAt: number,
): Promise<string> {
  const { state } = ctx
  return new SignJWT({
    typ: TICKET_TYPE,
    azp: rsClient,
    permissions: permissions.map((p) => ({ rsid: p.resource_id, scopes: p.resource_scopes })),
  })
    .setProtectedHeader({ alg: 'ES256', kid: state.kid, typ: 'JWT' })
    .setIssuer(ctx.issuer())
    .setIssuedAt(state.now())
    .setExpirationTime(expiresAt)
    .setJti(opaqueToken())
    .sign(state.signingKey)
}

function readPermissions(value: unknown): GrantedPermission[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  const permissions: GrantedPermission[] = []
  for (const entry of value as unknown[]) {
    const { rsid, scopes } = (entry ?? {}) as { rsid?: unknown; scopes?: unknown }
    if (typeof rsid !== 'string' || !Array.isArray(scopes)) return undefined
    if (!scopes.every((s): s is string => typeof s === 'string')) return undefined
    permissions.push({ resource_id: rsid, resource_scopes: scopes })
  }
  return permissions
}

/**
 * Verifies a Keycloak-style ticket: this server's signature, its issuer, not expired.
 *
 * @returns the ticket, or `undefined` for anything else (an RPT, a forgery, an expired ticket)
 */
export async function verifyTicket(
  ctx: ServerContext,
  ticket: string,
): Promise<StoredTicket | undefined> {
  const { state } = ctx
  try {
    const { payload } = await jwtVerify(ticket, createLocalJWKSet({ keys: [state.publicJwk] }), {
      issuer: ctx.issuer(),
      algorithms: ['ES256'],
      currentDate: new Date(state.now() * 1000),
    })
    const permissions = readPermissions(payload.permissions)
    if (
      payload.typ !== TICKET_TYPE ||
      typeof payload.azp !== 'string' ||
      permissions === undefined
    ) {
      return undefined
    }
    return { permissions, rsClient: payload.azp, claims: {}, expiresAt: payload.exp ?? 0 }
  } catch {
    return undefined
  }
}
