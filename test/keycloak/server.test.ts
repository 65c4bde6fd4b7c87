/**
 * The suite's Keycloak itself: on loopback only, every port it opens, and serving the realm of
 * the repository's realm file.
 */
import { describe, expect, it } from 'vitest'
import { issuer, keycloak, keycloakSockets } from './support/context.js'

describe("the suite's Keycloak", () => {
  it.skipIf(process.platform !== 'linux')('listens on loopback only, on every port', async () => {
    const sockets = await keycloakSockets()
    expect(sockets).toContain(new URL(keycloak.url).host)
    // HTTP and management (health) on 127.0.0.1 as told; one more socket the JVM opens itself
    // (Narayana's transaction recovery, on "localhost": 127.0.0.1 here, ::1 elsewhere maybe)
    expect(sockets?.filter((s) => s.startsWith('127.0.0.1:')).length).toBeGreaterThanOrEqual(2)
    for (const socket of sockets ?? [])
      expect(socket).toMatch(/^(127\.0\.0\.1|\[0:0:0:0:0:0:0:1\]):\d+$/)
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
