/**
 * What the global setup hands to the tests: where the suite's Keycloak listens, and how to stop
 * and start it again on the same ports.
 */
import { inject } from 'vitest'

/** The running Keycloak, as the global setup provides it. */
export interface KeycloakContext {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The photos realm's issuer. */
  readonly issuer: string
  /** `http://127.0.0.1:<port>/<secret>`: POST `/stop` and `/start` restart Keycloak. */
  readonly control: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    keycloak: KeycloakContext
  }
}

/** The suite's Keycloak. */
export const keycloak: KeycloakContext = inject('keycloak')

/** The photos realm's issuer, `<url>/realms/photos`. */
export const issuer: string = keycloak.issuer

async function control(action: 'stop' | 'start'): Promise<void> {
  const res = await fetch(`${keycloak.control}/${action}`, { method: 'POST' })
  if (!res.ok) throw new Error(`Keycloak ${action} failed: ${await res.text()}`)
}

/** What the suite's Keycloak listens on now (`address:port`, read from /proc on Linux). */
export async function keycloakSockets(): Promise<string[] | undefined> {
  const res = await fetch(`${keycloak.control}/status`)
  if (!res.ok) throw new Error(`Keycloak status: ${res.status}`)
  return ((await res.json()) as { sockets?: string[] }).sockets
}

/** Stops Keycloak (the process group, by its id) and waits until it is gone. */
export const stopKeycloak = (): Promise<void> => control('stop')

/** Starts Keycloak again on the same ports, re-importing the realm, and waits until ready. */
export const startKeycloak = (): Promise<void> => control('start')
