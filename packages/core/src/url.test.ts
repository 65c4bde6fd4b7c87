import { describe, expect, it } from 'vitest'
import { appendPathSegment, isLoopbackUrl, normalizeIssuer, sameIssuer } from './url.js'

describe('normalizeIssuer', () => {
  it('serialises the URL and drops one trailing slash', () => {
    expect(normalizeIssuer('https://AS.example:443/realms/x/')).toBe('https://as.example/realms/x')
    expect(normalizeIssuer(new URL('http://127.0.0.1:8080'))).toBe('http://127.0.0.1:8080')
  })

  it.each([
    ['null', null],
    ['a number', 3],
    ['an empty string', ''],
    ['a relative path', '/x'],
    ['a mailto URL', 'mailto:a@b'],
    ['a query', 'https://a.example/?x'],
    ['a fragment', 'https://a.example/#x'],
    ['credentials', 'https://u:p@a.example'],
    ['3000 characters', `https://a.example/${'x'.repeat(3000)}`],
  ])('refuses %s with a TypeError naming the option', (_name, value) => {
    expect(() => normalizeIssuer(value, 'options.issuer')).toThrow(/options\.issuer/)
  })
})

describe('sameIssuer', () => {
  it('compares normalised issuers, never prefixes', () => {
    expect(sameIssuer('https://as.example', 'https://as.example/')).toBe(true)
    expect(sameIssuer('https://AS.example', 'https://as.example:443')).toBe(true)
    expect(sameIssuer('https://as.example', 'https://as.example.evil.com')).toBe(false)
    expect(sameIssuer('https://as.example/realms/a', 'https://as.example/realms/ab')).toBe(false)
    expect(sameIssuer('https://as.example', 'http://as.example')).toBe(false)
    expect(sameIssuer(undefined, undefined)).toBe(false)
  })
})

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://127.1.2.3', true],
    ['http://localhost:8080/x', true],
    ['http://app.localhost', true],
    ['http://[::1]:9000', true],
    ['http://10.0.0.1', false],
    ['http://localhost.evil.com', false],
    ['https://as.example', false],
    ['not a url', false],
  ])('%s is loopback: %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected)
  })
})

describe('appendPathSegment', () => {
  it('joins without doubling or dropping a slash', () => {
    expect(appendPathSegment('https://as.example/rs', 'r1')).toBe('https://as.example/rs/r1')
    expect(appendPathSegment('https://as.example/rs/', 'r1')).toBe('https://as.example/rs/r1')
  })

  it('percent-encodes ids that are URLs (SolidLab)', () => {
    expect(appendPathSegment('http://h/uma/resources/', 'http://h:5000/alice/doc 1')).toBe(
      'http://h/uma/resources/http%3A%2F%2Fh%3A5000%2Falice%2Fdoc%201',
    )
  })

  it('keeps the endpoint query', () => {
    expect(appendPathSegment('https://as.example/rs?tenant=a', '7')).toBe(
      'https://as.example/rs/7?tenant=a',
    )
  })
})
