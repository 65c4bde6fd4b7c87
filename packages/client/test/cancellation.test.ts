/**
 * Issue 9, item 14: the caller's AbortSignal reaches AS calls, discovery waits, the claims
 * callback and the polling sleep; exchanges in flight do not hold up calls for other resources;
 * polling is floored and bounded.
 */
import { http, HttpResponse, delay } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createUmaFetch, isUmaError, type UmaFetchOptions } from '../src/index.js'
import { AS, RS, SECRET, useWorld, grant, json, type World } from './world.js'

const world: World = useWorld()
afterEach(() => {
  vi.useRealTimers()
})

const make = (extra: Partial<UmaFetchOptions> = {}) =>
  createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app', clientSecret: SECRET, ...extra })

/** Resolves once `check` holds, polling the event loop (no timers: fake ones may be on). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r))
  expect(check()).toBe(true)
}

const submitted = (interval: unknown) => (_call: unknown, n: number) =>
  json(403, { error: 'request_submitted', ticket: `wait-${n}`, interval })

describe('createUmaFetch: the caller cancels', () => {
  it('aborts a grant request in flight with the caller’s reason', async () => {
    world.token = async () => {
      await delay('infinite')
      return json(500, {})
    }
    const controller = new AbortController()
    const pending = make({ timeoutMs: 60_000 })(`${RS}/photos/1`, { signal: controller.signal })
    await until(() => world.tokenCalls.length === 1)
    const reason = new Error('the user went away')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })

  it('stops waiting for a discovery it shares, and the discovery still serves others', async () => {
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    world.server.use(
      http.get(`${AS}/.well-known/uma2-configuration`, async () => {
        world.discoveryCalls++
        await released
        return HttpResponse.json({ issuer: AS, token_endpoint: `${AS}/token` })
      }),
    )
    world.token = (_call, n) => {
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    const umaFetch = make({ timeoutMs: 60_000 })
    const controller = new AbortController()
    const cancelled = umaFetch(`${RS}/photos/1`, { signal: controller.signal })
    const other = umaFetch(`${RS}/photos/2`)
    await until(() => world.discoveryCalls === 1)
    controller.abort()
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' })
    release()
    expect((await other).status).toBe(200)
    expect(world.discoveryCalls).toBe(1)
  })

  it('aborts the polling sleep at once, with no further grant request', async () => {
    world.token = submitted(30)
    const controller = new AbortController()
    const pending = make({ onRequestSubmitted: { pollMaxWaitMs: 600_000 } })(`${RS}/photos/1`, {
      signal: controller.signal,
    })
    await until(() => world.tokenCalls.length === 1)
    await new Promise((r) => setImmediate(r))
    controller.abort(new Error('enough'))
    await expect(pending).rejects.toThrow('enough')
    expect(world.tokenCalls).toHaveLength(1)
  })

  it('hands the signal to claims() and stops waiting for it', async () => {
    let seen: AbortSignal | undefined
    const controller = new AbortController()
    const pending = make({
      claims: ({ signal }) => {
        seen = signal
        return new Promise(() => undefined)
      },
    })(`${RS}/photos/1`, { signal: controller.signal })
    await until(() => seen !== undefined)
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(seen?.aborted).toBe(true)
    expect(world.tokenCalls).toHaveLength(0)
  })
})

describe('createUmaFetch: exchanges do not wait on each other', () => {
  it('a call polling request_submitted does not hold up a call for another resource', async () => {
    world.token = (call, n) => {
      if (call.form.get('ticket') === 'ticket-1' || call.form.get('ticket')?.startsWith('wait')) {
        return json(403, { error: 'request_submitted', ticket: `wait-${n}`, interval: 60 })
      }
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    const umaFetch = make({ onRequestSubmitted: { pollMaxWaitMs: 600_000 } })
    const controller = new AbortController()
    const polling = umaFetch(`${RS}/photos/1`, { signal: controller.signal })
    await until(() => world.tokenCalls.length === 1)
    const other = await umaFetch(`${RS}/photos/2`)
    expect(other.status).toBe(200)
    controller.abort()
    await expect(polling).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('a slow claims() holds up another call at most timeoutMs', async () => {
    let releaseClaims: () => void = () => undefined
    world.token = (_call, n) => {
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    const umaFetch = make({
      timeoutMs: 100,
      claims: ({ ticket }) =>
        ticket === 'ticket-1'
          ? new Promise((resolve) => {
              releaseClaims = () => resolve(undefined)
            })
          : undefined,
    })
    const slow = umaFetch(`${RS}/photos/1`)
    await until(() => world.ticketCount === 1)
    const started = Date.now()
    expect((await umaFetch(`${RS}/photos/2`)).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(3000)
    releaseClaims()
    expect((await slow).status).toBe(200)
  })
})

describe('createUmaFetch: polling is floored and bounded', () => {
  it.each([
    ['0', 0, 1000],
    ['a negative number (the default 5 s)', -3, 5000],
    ['a numeric string', '2', 2000],
    ['a string that is no number (the default 5 s)', 'soon', 5000],
  ])('waits at least a second between polls with interval %s', async (_name, interval, gapMs) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    world.token = submitted(interval)
    const pending = make({ onRequestSubmitted: { pollMaxWaitMs: 60_000 } })(`${RS}/photos/1`)
    pending.catch(() => undefined)
    await until(() => world.tokenCalls.length === 1)
    await vi.advanceTimersByTimeAsync(gapMs - 10)
    expect(world.tokenCalls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(20)
    await until(() => world.tokenCalls.length === 2)
    await vi.advanceTimersByTimeAsync(120_000)
    const err: unknown = await pending.catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('request_submitted')
    expect(world.tokenCalls.length).toBeLessThanOrEqual(1 + 60_000 / gapMs + 1)
  })

  it('does not poll an AS that asks for more than an hour between polls', async () => {
    world.token = submitted(1e9)
    const err: unknown = await make({ onRequestSubmitted: { pollMaxWaitMs: 1e12 } })(
      `${RS}/photos/1`,
    ).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('request_submitted')
    expect(world.tokenCalls).toHaveLength(1)
  })

  it('polls at most 60 times, whatever pollMaxWaitMs allows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    world.token = submitted(1)
    const pending = make({ onRequestSubmitted: { pollMaxWaitMs: 1e9 } })(`${RS}/photos/1`)
    pending.catch(() => undefined)
    for (let i = 0; i < 80; i++) await vi.advanceTimersByTimeAsync(1000)
    const err: unknown = await pending.catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('request_submitted')
    expect(world.tokenCalls).toHaveLength(61)
  })
})
