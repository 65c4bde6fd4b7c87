import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { deriveSharedKeys, tokenName, valueMac } from './keys.js'

const SECRET = 's'.repeat(32)

describe('deriveSharedKeys', () => {
  it('refuses a secret of fewer than 32 bytes, counting a string in UTF-8', () => {
    expect(() => deriveSharedKeys('s'.repeat(31), 'sharedSecret')).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    )
    expect(() => deriveSharedKeys(new Uint8Array(31), 'sharedSecret')).toThrow(/at least 32/)
    // 16 two-byte characters are 32 bytes
    expect(() => deriveSharedKeys('é'.repeat(16), 'sharedSecret')).not.toThrow()
  })

  it('refuses what is neither a string nor bytes, without echoing it', () => {
    for (const bad of [undefined, null, 42, ['s'.repeat(32)], { length: 32 }]) {
      expect(() => deriveSharedKeys(bad, 'sharedSecret')).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      )
    }
    expect(() => deriveSharedKeys('short secret', 'sharedSecret')).toThrow(
      /^sharedSecret must be at least 32 bytes, received 12$/,
    )
  })

  it('derives two different keys, neither of them the secret', () => {
    const keys = deriveSharedKeys(SECRET, 'sharedSecret')
    expect(keys.naming.equals(keys.mac)).toBe(false)
    expect(keys.naming.equals(Buffer.from(SECRET))).toBe(false)
    expect(deriveSharedKeys(Buffer.from(SECRET), 'x').naming).toEqual(keys.naming)
  })
})

describe('tokenName', () => {
  it('is a 43-character HMAC of the token, not its SHA-256, and depends on the secret', () => {
    const keys = deriveSharedKeys(SECRET, 'sharedSecret')
    const name = tokenName(keys, 'an-rpt')
    expect(name).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(tokenName(keys, 'an-rpt')).toBe(name)
    expect(name).not.toBe(createHash('sha256').update('an-rpt').digest('base64url'))
    expect(tokenName(deriveSharedKeys('t'.repeat(32), 'x'), 'an-rpt')).not.toBe(name)
    expect(tokenName(keys, 'another-rpt')).not.toBe(name)
  })
})

describe('valueMac', () => {
  it('binds the value to its key: the same payload under another key has another MAC', () => {
    const keys = deriveSharedKeys(SECRET, 'sharedSecret')
    expect(valueMac(keys, 'rpt:a', '{}')).not.toBe(valueMac(keys, 'rpt:b', '{}'))
    // the separator keeps key and payload apart: "ab" + "c" is not "a" + "bc"
    expect(valueMac(keys, 'ab', 'c')).not.toBe(valueMac(keys, 'a', 'bc'))
  })
})
