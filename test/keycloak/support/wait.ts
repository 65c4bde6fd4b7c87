/**
 * Waiting for wall-clock time to pass at Keycloak: tickets and RPTs expire by their `exp` in
 * whole seconds, and Keycloak's clock is this machine's. Only as long as needed.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { jwtPayload } from './realm.js'

/** Resolves once a JWT's `exp` has passed (plus one second, for whole-second rounding). */
export async function pastExpiry(token: string): Promise<void> {
  const exp = jwtPayload(token).exp
  if (typeof exp !== 'number') throw new Error('the token has no exp')
  const wait = (exp + 1) * 1000 - Date.now()
  if (wait > 0) await sleep(wait)
}
