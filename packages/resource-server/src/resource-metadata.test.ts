import { describe, expect, it } from 'vitest'
import { resolveResourceMetadata } from './resource-metadata.js'

describe('resolveResourceMetadata', () => {
  it.each([
    ['https://rs.example', '/.well-known/oauth-protected-resource'],
    ['https://rs.example/', '/.well-known/oauth-protected-resource'],
    ['https://rs.example/photos', '/.well-known/oauth-protected-resource/photos'],
    ['https://rs.example/api/v1/', '/.well-known/oauth-protected-resource/api/v1'],
  ])('serves the document of %s at %s (RFC 9728 §3.1)', (resource, path) => {
    const resolved = resolveResourceMetadata({ resource })
    expect(resolved?.path).toBe(path)
    expect(resolved?.url).toBe(`${new URL(resource).origin}${path}`)
    expect(resolved?.resource).toBe(resource)
  })

  it.each([
    ['plain http off loopback', { resource: 'http://rs.example' }],
    ['a fragment', { resource: 'https://rs.example/#x' }],
    ['credentials', { resource: 'https://u:p@rs.example' }],
    ['no URL', { resource: 'photos' }],
    ['scopes that are not names', { resource: 'https://rs.example', scopes_supported: [1] }],
    [
      'a documentation URL over http',
      { resource: 'https://rs.example', resource_documentation: 'http://d.example' },
    ],
  ])('refuses %s with a TypeError', (_name, value) => {
    expect(() => resolveResourceMetadata(value)).toThrow(TypeError)
  })

  it('gives nothing when no metadata is configured', () => {
    expect(resolveResourceMetadata(undefined)).toBeUndefined()
  })
})
