// The README of @uma-kit/dev-server copies this file's code, from the dev-server import on.
import { afterAll, expect, it } from 'vitest'
import { startDevServer } from '@uma-kit/dev-server'

const server = await startDevServer({ shape: 'keycloak', port: 0 }) // the photo demo's policies
const discovery = await fetch(`${server.issuer}/.well-known/uma2-configuration`)
const metadata = (await discovery.json()) as { issuer: string; token_endpoint: string }
// metadata.issuer is server.issuer: http://127.0.0.1:<port>/realms/photos
afterAll(() => server.close())

it('starts in one call and serves its discovery document', () => {
  expect(metadata.issuer).toBe(server.issuer)
  expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/photos$/)
  expect(metadata.token_endpoint).toBe(server.metadata.token_endpoint)
})
