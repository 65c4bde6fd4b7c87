/**
 * A resource owner at Keycloak's account API (`/realms/photos/account/resources`), as the
 * account console's "My resources" page uses it: her resources, the requests waiting for her,
 * and sharing (which approves a pending request).
 */
import { issuer } from './context.js'
import type { User } from './realm.js'
import { tokenSource } from './tokens.js'

/** A pending request as the account API lists it. */
export interface PendingRequest {
  username: string
  scopes: string[]
}

/** An owner's side of Keycloak. */
export interface OwnerConsole {
  /** Her resources' ids and names. */
  resources(): Promise<{ _id: string; name: string }[]>
  /** Requests for one of her resources that wait for her. */
  pendingRequests(resourceId: string): Promise<PendingRequest[]>
  /**
   * Grants a user exactly these scopes on a resource: pending requests for them are approved,
   * and the user's other grants on it withdrawn (the account API replaces the user's set).
   */
  share(resourceId: string, username: User, scopes: string[]): Promise<void>
}

/** Signs an owner in to the account API (through the owner-console client). */
export function ownerConsole(owner: User): OwnerConsole {
  const token = tokenSource(owner, 'owner-console')
  const api = `${issuer}/account/resources`
  // without Accept: application/json the account service answers with the console's HTML
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${api}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${await token()}`,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    })
    if (!res.ok) throw new Error(`account API ${path}: ${res.status} ${await res.text()}`)
    return res.status === 204 ? undefined : await res.json()
  }
  return {
    resources: async () => (await call('')) as { _id: string; name: string }[],
    pendingRequests: async (id) =>
      (await call(`/${encodeURIComponent(id)}/permissions/requests`)) as PendingRequest[],
    async share(id, username, scopes) {
      await call(`/${encodeURIComponent(id)}/permissions`, {
        method: 'PUT',
        body: JSON.stringify([{ username, scopes }]),
      })
    },
  }
}

/** A permission ticket as the Protection API lists it (with `returnNames=true`). */
interface StoredTicket {
  id: string
  granted: boolean
  requesterName?: string
  scopeName?: string
  resource: string
}

/**
 * Approves a pending request through the Protection API instead
 * (`…/authz/protection/permission/ticket`), with the owner's PAT, as an RS could offer it.
 */
export async function approveTicket(
  pat: () => Promise<string>,
  resourceId: string,
  requester: User,
  scope: string,
): Promise<void> {
  const endpoint = `${issuer}/authz/protection/permission/ticket`
  const headers = { authorization: `Bearer ${await pat()}`, accept: 'application/json' }
  const query = new URLSearchParams({ resourceId, granted: 'false', returnNames: 'true' })
  const listed = await fetch(`${endpoint}?${query.toString()}`, { headers })
  if (!listed.ok) throw new Error(`ticket list: ${listed.status} ${await listed.text()}`)
  const pending = ((await listed.json()) as StoredTicket[]).find(
    (t) => t.requesterName === requester && t.scopeName === scope,
  )
  if (pending === undefined) throw new Error(`no pending ${scope} request of ${requester}`)
  const res = await fetch(endpoint, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ ...pending, granted: true }),
  })
  if (!res.ok) throw new Error(`ticket approval: ${res.status} ${await res.text()}`)
}
