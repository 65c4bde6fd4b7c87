/**
 * The examples of packages/core/README.md: each README block marked
 * `<!-- tested: packages/core/test/readme/<file>.ts -->` is copied from that module, which this
 * test imports against msw.
 */
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

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
    await import('./readme/discover.js')
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
    await import('./readme/discovery-cache.js')
    expect(log).toHaveBeenCalledWith(true)
    expect(calls).toBe(1)
  })

  it('formats and parses a challenge', async () => {
    const { field, challenge } = await import('./readme/challenge.js')
    expect(field).toBe('UMA realm="photos", as_uri="https://as.example", ticket="t1"')
    expect(challenge).toEqual({ realm: 'photos', asUri: 'https://as.example', ticket: 't1' })
  })

  it('normalises permissions', async () => {
    const { permissions } = await import('./readme/permissions.js')
    expect(permissions).toEqual([{ resource_id: 'r7', resource_scopes: ['view'] }])
  })

  it('branches on the error code', async () => {
    server.use(http.get('*', () => HttpResponse.error()))
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    await import('./readme/errors.js')
    expect(log).toHaveBeenCalledWith('try again later')
  })
})
