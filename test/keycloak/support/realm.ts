/**
 * The photos realm as test/keycloak/realm/photos-realm.json defines it: its users, clients and
 * the claim its view policy wants pushed.
 */

/** Users of the realm; each one's password is `<name>-password`. */
export type User = 'alice' | 'bob' | 'carol' | 'dave'

/** Fixed user ids, so that they survive a restart of the in-memory Keycloak. */
export const USER_IDS: Readonly<Record<User, string>> = {
  alice: 'a11ce000-0000-4000-8000-000000000001',
  bob: 'b0b00000-0000-4000-8000-000000000002',
  carol: 'ca201000-0000-4000-8000-000000000003',
  dave: 'da7e0000-0000-4000-8000-000000000004',
}

/** A resource server's confidential client. */
export interface RsClient {
  readonly id: string
  readonly secret: string
}

/** The photo RS: a confidential client with authorization services. */
export const RS: RsClient = { id: 'photo-rs', secret: 'photo-rs-secret' }
/** The resource server whose tokens, and so whose tickets, live 8 s. */
export const BRIEF_RS: RsClient = { id: 'photo-rs-brief', secret: 'photo-rs-brief-secret' }

/** Public clients of requesting parties and owners. */
export type AppClient = 'bob-app' | 'bob-app-brief' | 'carol-app' | 'owner-console'

/** Lifespan of bob-app-brief's tokens and RPTs, seconds. */
export const BRIEF_APP_SECONDS = 6

/** Keycloak's format for pushed claims as base64url JSON (not a JWT, whatever its name says). */
export const JWT_CLAIM_FORMAT = 'urn:ietf:params:oauth:token-type:jwt'

/** The claim the "Bob may view photos" permission needs pushed, besides being Bob. */
export const VIEW_CLAIMS = { purpose: ['personal'] }

/** A claim token for pushing claims to Keycloak. */
export function claimToken(claims: Record<string, string[]>): {
  claim_token: string
  claim_token_format: string
} {
  return {
    claim_token: Buffer.from(JSON.stringify(claims)).toString('base64url'),
    claim_token_format: JWT_CLAIM_FORMAT,
  }
}

/** The payload of a JWT, read without verifying it (tickets, RPTs: for assertions only). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1]
  if (part === undefined) throw new Error('not a JWT')
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
}

/** Keycloak's permissions in an RPT: `authorization.permissions`. */
export function rptPermissions(
  rpt: string,
): { rsid: string; rsname?: string; scopes?: string[]; claims?: Record<string, string[]> }[] {
  const authorization = jwtPayload(rpt).authorization as
    { permissions?: { rsid: string; rsname?: string; scopes?: string[] }[] } | undefined
  return authorization?.permissions ?? []
}
