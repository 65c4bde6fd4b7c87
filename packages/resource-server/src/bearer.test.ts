import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bearerCandidate, bearerToken } from './bearer.js'

describe('bearerCandidate', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr   abc  ', 'abc'],
    ['Bearer a b', 'a b'],
  ])('reads %j as %j', (header, token) => {
    expect(bearerCandidate(header)).toBe(token)
  })

  it.each([
    'Bearex abc',
    'Basic abc',
    'Bearer',
    'Bearer ',
    'Bearer    ',
    'Bearer\tabc',
    'Bearer-abc',
  ])('finds no token in %j', (header) => {
    expect(bearerCandidate(header)).toBeUndefined()
  })

  it('reads the scheme as a case-insensitive comparison of the first six characters does', () => {
    // the letters, their neighbours once 0x20 is OR-ed in, and letters past ASCII
    const letters = fc.constantFrom(
      'b',
      'B',
      'e',
      'E',
      'a',
      'A',
      'r',
      'R',
      '@',
      '`',
      'Ā',
      'ł',
      'K',
      ' ',
    )
    fc.assert(
      fc.property(fc.array(letters, { minLength: 8, maxLength: 12 }), (chars) => {
        const header = `${chars.slice(0, 6).join('')} x`
        const expected = header.slice(0, 6).toLowerCase() === 'bearer' ? 'x' : undefined
        expect(bearerCandidate(header)).toBe(expected)
      }),
    )
  })

  it('keeps bearerToken the gate: a candidate with characters no b64token has is no token', () => {
    expect(bearerCandidate('Bearer a"b')).toBe('a"b')
    expect(bearerToken('Bearer a"b')).toBeUndefined()
  })
})
