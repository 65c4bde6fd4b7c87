/**
 * Tokens from the suite's Keycloak by the direct-access grant, standing in for each user's login:
 * requesting parties' access tokens (uma-kit's `requestingPartyToken`), owners' PATs (a user's
 * token for the RS client: Keycloak 26.7 makes the PAT's subject the owner of what it registers),
 * and the account console's token.
 */
import { RS, type AppClient, type RsClient, type User } from './realm.js'
import { issuer } from './context.js'

const tokenEndpoint = `${issuer}/protocol/openid-connect/token`

/** A fresh access token for a user at a client, by the password grant. */
export async function login(
  user: User,
  client: AppClient | RsClient,
): Promise<{ token: string; expiresAt: number }> {
  const form = new URLSearchParams({
    grant_type: 'password',
    username: user,
    password: `${user}-password`,
  })
  const headers: Record<string, string> = {}
  if (typeof client === 'string') form.set('client_id', client)
  else
    headers.authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`
  const res = await fetch(tokenEndpoint, { method: 'POST', body: form, headers })
  const body = (await res.json()) as { access_token?: string; expires_in?: number }
  if (!res.ok || body.access_token === undefined) {
    throw new Error(`login of ${user} failed: ${res.status} ${JSON.stringify(body)}`)
  }
  return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 }
}

/** A token getter that logs in again shortly before the token expires, or after `reset()`. */
export interface TokenSource {
  (): Promise<string>
  /** Forgets the token: the next call logs in again (after Keycloak lost its sessions). */
  reset(): void
}

/** Keeps one user's token at one client. */
export function tokenSource(
  user: User,
  client: AppClient | RsClient,
  marginMs = 2_000,
): TokenSource {
  let held: { token: string; expiresAt: number } | undefined
  const source = async () => {
    if (held === undefined || Date.now() > held.expiresAt - marginMs)
      held = await login(user, client)
    return held.token
  }
  source.reset = () => (held = undefined)
  return source
}

/** An owner's PAT for the photo RS: her token at photo-rs, holding its uma_protection role. */
export const ownerPat = (owner: User, rs: RsClient = RS): TokenSource =>
  tokenSource(owner, rs, 30_000)

/** The RS's own PAT, by the client-credentials grant. */
export async function clientPat(rs: RsClient = RS): Promise<string> {
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
    headers: { authorization: `Basic ${Buffer.from(`${rs.id}:${rs.secret}`).toString('base64')}` },
  })
  const body = (await res.json()) as { access_token?: string }
  if (body.access_token === undefined) throw new Error(`no PAT for ${rs.id}: ${res.status}`)
  return body.access_token
}
