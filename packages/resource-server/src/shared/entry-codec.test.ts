import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, TOMBSTONE, type SharedEntry } from './entry-codec.js'
import { deriveSharedKeys } from './keys.js'

const NOW = 1_800_000_000_000
const KEYS = deriveSharedKeys('k'.repeat(32), 'sharedSecret')
const OTHER = deriveSharedKeys('o'.repeat(32), 'sharedSecret')
const LIMITS = { now: NOW, maxLength: 65_536, maxTtlMs: 60_000, clockToleranceMs: 1000 }

const entry: SharedEntry = {
  introspection: { active: true, exp: NOW / 1000 + 60, permissions: [{ resource_id: 'r' }] },
  checkedAt: NOW - 1000,
  expiresAt: NOW + 30_000,
}
const encode = (e: SharedEntry = entry, key = 'rpt:a') => encodeEntry(KEYS, key, e, 65_536)!

describe('encodeEntry and decodeEntry', () => {
  it('read back what was written under the same key with the same secret', () => {
    expect(decodeEntry(KEYS, 'rpt:a', encode(), LIMITS)).toEqual(entry)
  })

  it('refuse a value under another key, or written with another secret', () => {
    expect(decodeEntry(KEYS, 'rpt:b', encode(), LIMITS)).toBeUndefined()
    expect(decodeEntry(OTHER, 'rpt:a', encode(), LIMITS)).toBeUndefined()
  })

  it('refuse every value with one character changed', () => {
    const value = encode()
    for (let i = 0; i < value.length; i++) {
      for (const c of ['A', 'B', '0', '-', 'é', '\uD800']) {
        if (value[i] === c) continue
        const changed = value.slice(0, i) + c + value.slice(i + 1)
        expect(decodeEntry(KEYS, 'rpt:a', changed, LIMITS)).toBeUndefined()
      }
    }
  })

  it('refuse an expired entry, a check from the future, and a life past maxTtlMs', () => {
    const at = (over: Partial<SharedEntry>) =>
      decodeEntry(KEYS, 'rpt:a', encode({ ...entry, ...over }), LIMITS)
    expect(at({ expiresAt: NOW })).toBeUndefined()
    expect(at({ checkedAt: NOW + 1001 })).toBeUndefined()
    expect(at({ checkedAt: NOW + 1000, expiresAt: NOW + 2000 })).toBeDefined()
    expect(at({ checkedAt: NOW - 1000, expiresAt: NOW + 59_001 })).toBeUndefined()
    expect(at({ checkedAt: NOW - 1000, expiresAt: NOW + 59_000 })).toBeDefined()
  })

  it('refuse a value longer than maxLength before looking at it', () => {
    const value = encode()
    expect(decodeEntry(KEYS, 'rpt:a', value, { ...LIMITS, maxLength: value.length })).toEqual(entry)
    expect(
      decodeEntry(KEYS, 'rpt:a', value, { ...LIMITS, maxLength: value.length - 1 }),
    ).toBeUndefined()
    expect(encodeEntry(KEYS, 'rpt:a', entry, value.length - 1)).toBeUndefined()
  })

  it('refuse non-strings, the tombstone, and MACed values that are not entries', () => {
    for (const value of [undefined, null, 42, Buffer.from(encode()), TOMBSTONE, '', 'u1.']) {
      expect(decodeEntry(KEYS, 'rpt:a', value, LIMITS)).toBeUndefined()
    }
  })

  it('keep a value ASCII, so its length is its size in bytes, and non-ASCII members intact', () => {
    const named = { ...entry, introspection: { active: true, name: 'Zoë 🐈 \uD800' } }
    const value = encode(named)
    expect(value).toMatch(/^[\x20-\x7e]+$/)
    expect(decodeEntry(KEYS, 'rpt:a', value, LIMITS)?.introspection).toEqual({
      active: true,
      name: 'Zoë 🐈 \uD800',
    })
  })

  it('write nothing for an introspection that JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = { active: true }
    cyclic.self = cyclic
    expect(encodeEntry(KEYS, 'rpt:a', { ...entry, introspection: cyclic as never }, 1e6)).toBe(
      undefined,
    )
  })
})

describe('decodeEntry, for any string the store may hold', () => {
  const introspection = fc
    .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
    .chain((rest) => fc.boolean().map((active) => ({ ...rest, active })))
  const entries = fc.record({
    introspection,
    checkedAt: fc.integer({ min: NOW - 60_000, max: NOW + 1000 }),
    ttl: fc.integer({ min: 1, max: 60_000 }),
  })

  // values of the right shape, so that the MAC check itself is what refuses them
  const b64url = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
  )
  const wellFormed = fc
    .tuple(fc.string({ unit: b64url, minLength: 43, maxLength: 43 }), fc.json())
    .map(([mac, json]) => `u1.${mac}.${json}`)

  it('gives an entry only for a value that encodeEntry wrote for that key and secret', () => {
    const written = encode()
    // one run per kind of string (fc.oneof of string arbitraries is oddly slow)
    for (const strings of [fc.string(), fc.string({ unit: 'binary' }), wellFormed]) {
      fc.assert(
        fc.property(strings, (garbage) => {
          const got = decodeEntry(KEYS, 'rpt:a', garbage, LIMITS)
          return garbage === written ? got !== undefined : got === undefined
        }),
      )
    }
  })

  it('refuses any change to a written value: insertion, deletion, replacement', () => {
    fc.assert(
      fc.property(
        entries,
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.string({ minLength: 0, maxLength: 3, unit: 'binary' }),
        (e, at, cut, insert) => {
          const value = encode({ ...e, expiresAt: e.checkedAt + e.ttl })
          const i = at % (value.length + 1)
          const changed = value.slice(0, i) + insert + value.slice(i + cut)
          fc.pre(changed !== value)
          return decodeEntry(KEYS, 'rpt:a', changed, LIMITS) === undefined
        },
      ),
    )
  })

  it('reads back every live entry written under its key, and no other key or secret', () => {
    fc.assert(
      fc.property(entries, fc.string({ minLength: 1, maxLength: 8 }), (e, other) => {
        const written = {
          introspection: e.introspection,
          checkedAt: e.checkedAt,
          expiresAt: e.checkedAt + e.ttl,
        }
        const value = encode(written, 'rpt:a')
        const live = written.expiresAt > NOW
        const back = decodeEntry(KEYS, 'rpt:a', value, LIMITS)
        expect(back === undefined).toBe(!live)
        if (live) expect(back).toEqual(JSON.parse(JSON.stringify(written)))
        fc.pre(other !== 'a')
        expect(decodeEntry(KEYS, `rpt:${other}`, value, LIMITS)).toBeUndefined()
        expect(decodeEntry(OTHER, 'rpt:a', value, LIMITS)).toBeUndefined()
      }),
    )
  })
})
