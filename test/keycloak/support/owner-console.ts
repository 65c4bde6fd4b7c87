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
