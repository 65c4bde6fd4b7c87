/**
 * Requesting parties' clients: uma-kit's `createUmaFetch` with the party's own Keycloak access
 * token as `requestingPartyToken` (the apps are public clients), claims pushed with the first
 * grant request (Keycloak never asks for them with need_info), and a record of every answer of
 * Keycloak's token endpoint, so that tests can look at the RPTs it issued.
 */
import {
  createUmaClient,
  createUmaFetch,
  type UmaClient,
  type UmaFetchOptions,
} from '@uma-kit/client'
import { issuer } from './context.js'
import { VIEW_CLAIMS, claimToken, type AppClient, type User } from './realm.js'
import { tokenSource, type TokenSource } from './tokens.js'

/** One answer of the token endpoint to an uma-ticket grant. */
export interface GrantRecord {
  status: number
  /** Form parameters sent (without the requesting party's token, which travels as Bearer). */
  sent: Record<string, string>
  body: { access_token?: string; upgraded?: boolean; error?: string; error_description?: string }
}

/** A requesting party: her fetch, her token, and what Keycloak answered her. */
export interface Party {
  readonly fetch: typeof fetch
  readonly token: TokenSource
  readonly grants: GrantRecord[]
  /** The last RPT Keycloak issued to her. */
  lastRpt(): string | undefined
}

function recordingFetch(grants: GrantRecord[]): typeof fetch {
  const tokenEndpoint = `${issuer}/protocol/openid-connect/token`
  return async (input, init) => {
    const res = await fetch(input, init)
    const url = input instanceof Request ? input.url : String(input)
    if (url === tokenEndpoint) {
      const body = init?.body
      const form = body instanceof URLSearchParams || typeof body === 'string' ? body : ''
      const sent = Object.fromEntries(new URLSearchParams(form))
      grants.push({
        status: res.status,
        sent,
        body: (await res.clone().json()) as GrantRecord['body'],
      })
    }
    return res
  }
}

/**
 * A requesting party at her app.
 *
 * @param user - who
 * @param app - her app's client id
 * @param options - more options for `createUmaFetch` (claims: `false` pushes none)
 */
export function party(
  user: User,
  app: AppClient,
  options: Partial<Omit<UmaFetchOptions, 'claims'>> & {
    claims?: UmaFetchOptions['claims'] | false
  } = {},
): Party {
  const token = tokenSource(user, app)
  const grants: GrantRecord[] = []
  const { claims, ...rest } = options
  const umaFetch = createUmaFetch({
    trustedIssuers: [issuer],
    clientId: app,
    requestingPartyToken: token,
    ...(claims === false
      ? {}
      : { claims: claims ?? (() => Promise.resolve(claimToken(VIEW_CLAIMS))) }),
    fetch: recordingFetch(grants),
    ...rest,
  })
  return {
    fetch: umaFetch,
    token,
    grants,
    lastRpt: () => grants.findLast((g) => g.body.access_token !== undefined)?.body.access_token,
  }
}

/** A requesting party's `createUmaClient`, for tests that hand it tickets themselves. */
export function umaClient(user: User, app: AppClient): UmaClient & { grants: GrantRecord[] } {
  const grants: GrantRecord[] = []
  const client = createUmaClient({
    trustedIssuers: [issuer],
    clientId: app,
    requestingPartyToken: tokenSource(user, app),
    fetch: recordingFetch(grants),
  })
  return Object.assign(client, { grants })
}
