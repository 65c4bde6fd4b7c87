import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveCache } from './cache-options.js'
import { toCheckedRpt } from './checked-rpt.js'
import { createRptCache } from './rpt-cache.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('the local RPT cache', () => {
  it('serves hits without a timer or a clock of its own, and still ends entries at their time', async () => {
    vi.useFakeTimers()
    let nowMs = 1_000_000_000_000
    const cache = createRptCache(resolveCache({ maxTtlSeconds: 60 }), 0, () => nowMs)
    const rpt = toCheckedRpt({ active: true, exp: nowMs / 1000 + 30 }, 32)
    const loader = vi.fn(() => Promise.resolve(rpt))
    await cache.check('rpt-1', loader)
    for (let i = 0; i < 5; i++) {
      expect(cache.get(cache.key('rpt-1'))).toBe(rpt)
      expect((await cache.check('rpt-1', loader)).cached).toBe(true)
    }
    expect(vi.getTimerCount()).toBe(0)
    expect(loader).toHaveBeenCalledTimes(1)
    // the RS's clock, not the LRU's, ends the entry: at its exp
    nowMs += 30_000
    expect(cache.get(cache.key('rpt-1'))).toBeUndefined()
    expect((await cache.check('rpt-1', loader)).cached).toBe(false)
    expect(loader).toHaveBeenCalledTimes(2)
    cache.close()
  })
})
