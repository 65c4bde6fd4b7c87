import { describe, expect, it, vi } from 'vitest'
import { rememberKeys } from './key-memo.js'

describe('rememberKeys', () => {
  it("keeps each holder's last key, and computes every other", () => {
    const keyOf = vi.fn((token: string) => `key:${token}`)
    const key = rememberKeys(keyOf)
    const socketA = {}
    const socketB = {}
    expect(key('t1', socketA)).toBe('key:t1')
    expect(key('t1', socketA)).toBe('key:t1')
    expect(keyOf).toHaveBeenCalledTimes(1)
    // another holder has its own slot
    expect(key('t1', socketB)).toBe('key:t1')
    expect(keyOf).toHaveBeenCalledTimes(2)
    // another token over the same holder gets its own key, and replaces the remembered one
    expect(key('t2', socketA)).toBe('key:t2')
    expect(key('t1', socketA)).toBe('key:t1')
    expect(keyOf).toHaveBeenCalledTimes(4)
    // without a holder nothing is remembered
    expect(key('t1')).toBe('key:t1')
    expect(key('t1')).toBe('key:t1')
    expect(keyOf).toHaveBeenCalledTimes(6)
  })

  it('never gives one token the key of another that shares its prefix or length', () => {
    const key = rememberKeys((token) => `key:${token}`)
    const socket = {}
    expect(key('abcdef', socket)).toBe('key:abcdef')
    expect(key('abcdeg', socket)).toBe('key:abcdeg')
    expect(key('abcde', socket)).toBe('key:abcde')
    expect(key('abcdef ', socket)).toBe('key:abcdef ')
  })
})
