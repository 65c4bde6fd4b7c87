import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStoreGuard, type StoreGuardOptions } from './store-guard.js'

const never = () => new Promise<never>(() => undefined)
const fails = () => Promise.reject(new Error('ECONNREFUSED'))

function guardWith(probe: StoreGuardOptions['probe'] = () => Promise.resolve('PONG')) {
  return createStoreGuard({
    timeoutMs: 100,
    failureThreshold: 3,
    cooldownMs: 1000,
    probe,
    now: Date.now,
  })
}

describe('createStoreGuard', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("gives a call's value", async () => {
    await expect(guardWith().run(() => Promise.resolve(42))).resolves.toEqual({
      ok: true,
      value: 42,
    })
  })

  it('answers nothing at the timeout, aborts the call, and handles its late failure', async () => {
    let aborted = false
    let rejectLate: (err: Error) => void = () => undefined
    const guard = guardWith()
    const outcome = guard.run(
      (signal) =>
        new Promise((_resolve, reject) => {
          rejectLate = reject
          signal.addEventListener('abort', () => (aborted = true))
        }),
    )
    await vi.advanceTimersByTimeAsync(99)
    expect(aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(outcome).resolves.toEqual({ ok: false })
    expect(aborted).toBe(true)
    // rejected after the timeout: handled, so no unhandled rejection fails this test
    rejectLate(new Error('late'))
    await vi.advanceTimersByTimeAsync(0)
  })

  it('answers nothing for a call that rejects or throws', async () => {
    const guard = guardWith()
    await expect(guard.run(fails)).resolves.toEqual({ ok: false })
    await expect(
      guard.run(() => {
        throw new Error('sync')
      }),
    ).resolves.toEqual({ ok: false })
  })

  it('opens after 3 consecutive failures and then answers without calling the store', async () => {
    const guard = guardWith()
    await guard.run(fails)
    await guard.run(fails)
    await guard.run(() => Promise.resolve('ok'))
    await guard.run(fails)
    await guard.run(fails)
    expect(guard.open).toBe(false)
    const slow = guard.run(never)
    await vi.advanceTimersByTimeAsync(100)
    await slow
    expect(guard.open).toBe(true)
    const call = vi.fn(never)
    await expect(guard.run(call)).resolves.toEqual({ ok: false })
    expect(call).not.toHaveBeenCalled()
  })

  it('probes once the cooldown has passed, in the background, and closes when it answers', async () => {
    let answer: (value: string) => void = () => undefined
    const probe = vi.fn(() => new Promise<string>((resolve) => (answer = resolve)))
    const guard = guardWith(probe)
    for (let i = 0; i < 3; i++) await guard.run(fails)
    await vi.advanceTimersByTimeAsync(999)
    await guard.run(fails)
    expect(probe).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    const call = vi.fn(() => Promise.resolve('value'))
    await expect(guard.run(call)).resolves.toEqual({ ok: false })
    await guard.run(call)
    expect(probe).toHaveBeenCalledTimes(1)
    expect(call).not.toHaveBeenCalled()
    answer('PONG')
    await vi.advanceTimersByTimeAsync(0)
    expect(guard.open).toBe(false)
    await expect(guard.run(call)).resolves.toEqual({ ok: true, value: 'value' })
  })

  it('stays open for another cooldown when the probe fails', async () => {
    const probe = vi.fn(fails)
    const guard = guardWith(probe)
    for (let i = 0; i < 3; i++) await guard.run(fails)
    await vi.advanceTimersByTimeAsync(1000)
    await guard.run(fails)
    await vi.advanceTimersByTimeAsync(0)
    expect(probe).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(999)
    await guard.run(fails)
    expect(probe).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    await guard.run(fails)
    expect(probe).toHaveBeenCalledTimes(2)
    expect(guard.open).toBe(true)
  })

  it('still makes a forced call while open, and closes on its success', async () => {
    const guard = guardWith()
    for (let i = 0; i < 3; i++) await guard.run(fails)
    const outcome = await guard.run(() => Promise.resolve('OK'), { force: true, timeoutMs: 1000 })
    expect(outcome).toEqual({ ok: true, value: 'OK' })
    expect(guard.open).toBe(false)
  })
})
