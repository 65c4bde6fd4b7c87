/**
 * The examples of packages/core/README.md, verbatim (test/readme-snippets.test.ts checks that they
 * stay identical), run against msw.
 */
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createDiscoveryCache,
  discover,
  formatUmaChallenge,
  isUmaError,
  normalizePermissions,
  parseUmaChallenge,
} from '../src/index.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.restoreAllMocks()
})
afterAll(() => server.close())

describe('README examples', () => {
  it('discovers an AS', async () => {
    server.use(
      http.get('https://kc.example/realms/photoz/.well-known/uma2-configuration', () =>
        HttpResponse.json({
          issuer: 'https://kc.example/realms/photoz',
          token_endpoint: 'https://kc.example/realms/photoz/protocol/openid-connect/token',
          permission_endpoint: 'https://kc.example/realms/photoz/authz/protection/permission',
        }),
      ),
    )
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)

    const metadata = await discover('https://kc.example/realms/photoz', { timeoutMs: 3000 })
    console.log(metadata.permission_endpoint)

    expect(log).toHaveBeenCalledWith('https://kc.example/realms/photoz/authz/protection/permission')
  })

  it('caches discovery', async () => {
    let calls = 0
    server.use(
      http.get('https://as.example/.well-known/uma2-configuration', () => {
        calls++
        return HttpResponse.json({
          issuer: 'https://as.example',
          token_endpoint: 'https://as.example/t',
        })
      }),
    )
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)

    const discovery = createDiscoveryCache({ ttlSeconds: 600 })
    const [a, b] = await Promise.all([
      discovery.get('https://as.example'),
      discovery.get('https://as.example/'),
    ])
    console.log(a === b) // true: one request

    expect(log).toHaveBeenCalledWith(true)
    expect(calls).toBe(1)
  })

  it('formats and parses a challenge', () => {
    const field = formatUmaChallenge({ realm: 'photos', asUri: 'https://as.example', ticket: 't1' })
    // UMA realm="photos", as_uri="https://as.example", ticket="t1"
    const challenge = parseUmaChallenge(`Bearer realm="api", ${field}`)
    // { realm: 'photos', asUri: 'https://as.example', ticket: 't1' }

    expect(field).toBe('UMA realm="photos", as_uri="https://as.example", ticket="t1"')
    expect(challenge).toEqual({ realm: 'photos', asUri: 'https://as.example', ticket: 't1' })
  })

  it('normalises permissions', () => {
    const permissions = normalizePermissions({
      active: true,
      authorization: { permissions: [{ rsid: 'r7', rsname: 'Album 7', scopes: ['view'] }] },
    })
    // [{ resource_id: 'r7', resource_scopes: ['view'] }]

    expect(permissions).toEqual([{ resource_id: 'r7', resource_scopes: ['view'] }])
  })

  it('branches on the error code', async () => {
    server.use(http.get('*', () => HttpResponse.error()))
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)

    try {
      await discover('https://as.example')
    } catch (err) {
      if (isUmaError(err) && err.code === 'as_unreachable') console.log('try again later')
      else throw err
    }

    expect(log).toHaveBeenCalledWith('try again later')
  })
})
