/**
 * The suite's Keycloak itself: on loopback only, every port it opens, and serving the realm of
 * the repository's realm file.
 */
import { describe, expect, it } from 'vitest'
import { issuer, keycloak, keycloakSockets } from './support/context.js'

describe("the suite's Keycloak", () => {
  it.skipIf(process.platform !== 'linux')('listens on 127.0.0.1 only, on every port', async () => {
    const sockets = await keycloakSockets()
    // HTTP, management (health), and one more the JVM opens on a port of its own
    expect(sockets?.length).toBeGreaterThanOrEqual(2)
    for (const socket of sockets ?? []) expect(socket).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(sockets).toContain(new URL(keycloak.url).host)
  })

  it('serves the photos realm from the realm file, with UMA discovery', async () => {
    const res = await fetch(`${issuer}/.well-known/uma2-configuration`)
    expect(res.status).toBe(200)
    const metadata = (await res.json()) as Record<string, unknown>
    expect(metadata).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      introspection_endpoint: `${issuer}/protocol/openid-connect/token/introspect`,
      resource_registration_endpoint: `${issuer}/authz/protection/resource_set`,
      permission_endpoint: `${issuer}/authz/protection/permission`,
      policy_endpoint: `${issuer}/authz/protection/uma-policy`,
    })
    expect(metadata).not.toHaveProperty('claims_interaction_endpoint')
  })
})
