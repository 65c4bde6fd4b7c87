import { describe, expect, it } from 'vitest'
import type { DiscoveryCache } from './discovery.js'
import { checkManualMetadata, resolveMetadata } from './metadata.js'
import type { UmaServerMetadata } from './types.js'

function fakeDiscovery(document: UmaServerMetadata) {
  const calls: string[] = []
  const cache: DiscoveryCache = {
    get(asUri) {
      calls.push(String(asUri))
      return Promise.resolve(document)
    },
    delete() {},
    clear() {},
  }
  return { cache, calls }
}

const WSO2 = {
  token_endpoint: 'https://wso2.example:9443/oauth2/token',
  introspection_endpoint: 'https://wso2.example:9443/oauth2/introspect',
  permission_endpoint:
    'https://wso2.example:9443/api/identity/oauth2/uma/permission/v1.0/permission',
}

describe('checkManualMetadata', () => {
  it('keeps a copy of endpoints set by hand', () => {
    const checked = checkManualMetadata(WSO2)
    expect(checked).toEqual(WSO2)
    expect(Object.isFrozen(checked)).toBe(true)
  })

  it.each([
    ['a relative endpoint', { token_endpoint: '/token' }],
    ['a javascript: URI', { jwks_uri: 'javascript:x' }],
    ['a number', { permission_endpoint: 3 }],
  ])('refuses %s with a TypeError naming the member', (_name, value) => {
    expect(() => checkManualMetadata(value)).toThrow(/options\.metadata\./)
  })

  it.each([null, 'x', [1]])('refuses %j as a whole', (value) => {
    expect(() => checkManualMetadata(value)).toThrow(TypeError)
  })
})

describe('resolveMetadata', () => {
  it('uses the hand-set endpoints alone, with no discovery, when they hold all that is needed', async () => {
    const { cache, calls } = fakeDiscovery({ issuer: 'x', token_endpoint: 'x' })
    const metadata = await resolveMetadata(
      'https://wso2.example:9443/oauth2/token',
      checkManualMetadata(WSO2),
      ['token_endpoint', 'permission_endpoint'],
      cache,
    )
    expect(calls).toEqual([])
    expect(metadata).toMatchObject({ ...WSO2, issuer: 'https://wso2.example:9443/oauth2/token' })
  })

  it('discovers the rest and lets hand-set endpoints win', async () => {
    const { cache, calls } = fakeDiscovery({
      issuer: 'https://kc.example/realms/a',
      token_endpoint: 'https://kc-internal:8443/realms/a/token',
      jwks_uri: 'https://kc.example/realms/a/certs',
    })
    const metadata = await resolveMetadata(
      'https://kc.example/realms/a',
      checkManualMetadata({ token_endpoint: 'https://kc.example/realms/a/token' }),
      ['token_endpoint', 'jwks_uri', 'introspection_endpoint'],
      cache,
    )
    expect(calls).toEqual(['https://kc.example/realms/a'])
    expect(metadata.token_endpoint).toBe('https://kc.example/realms/a/token')
    expect(metadata.jwks_uri).toBe('https://kc.example/realms/a/certs')
  })

  it('discovers when nothing is set by hand', async () => {
    const doc = { issuer: 'https://as.example', token_endpoint: 'https://as.example/t' }
    const { cache } = fakeDiscovery(doc)
    await expect(resolveMetadata('https://as.example', undefined, [], cache)).resolves.toBe(doc)
  })
})
