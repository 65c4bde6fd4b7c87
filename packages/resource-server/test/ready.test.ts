/**
 * `ready()`: waiting for an AS that starts after the RS (issue 11), with bounded retries and a
 * line per attempt, and no waiting for what waiting cannot cure.
 */
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import type { ReadyAttempt } from '../src/index.js'
import { useFakeResourceServers } from './support/fake-rs.js'

const { msw, as: fakeAs, rs: createRs } = useFakeResourceServers()

describe('ready()', () => {
  it('retries with backoff while the AS is down, telling each attempt, then resolves', async () => {
    const as = fakeAs()
    let down = 3
    msw.use(
      http.get(`${as.issuer}/.well-known/uma2-configuration`, () => {
        if (down-- > 0) return HttpResponse.error()
        return undefined
      }),
    )
    const rs = createRs()
    const seen: ReadyAttempt[] = []
    await rs.ready({ delayMs: 5, onAttempt: (a) => seen.push(a) })
    expect(seen.map((a) => [a.attempt, a.error?.code, a.retryInMs])).toEqual([
      [1, 'as_unreachable', 5],
      [2, 'as_unreachable', 10],
      [3, 'as_unreachable', 20],
      [4, undefined, undefined],
    ])
    expect(as.calls.pat).toBe(1)
  })

  it('gives up after the attempts with the last error', async () => {
    msw.use(
      http.get(`${fakeAs().issuer}/.well-known/uma2-configuration`, () => HttpResponse.error()),
    )
    const rs = createRs()
    const seen: ReadyAttempt[] = []
    await expect(
      rs.ready({ attempts: 3, delayMs: 1, onAttempt: (a) => seen.push(a) }),
    ).rejects.toMatchObject({ code: 'as_unreachable' })
    expect(seen).toHaveLength(3)
    expect(seen[2]?.retryInMs).toBeUndefined()
  })

  it('fails at once on a misconfiguration: a wrong secret is not cured by waiting', async () => {
    const rs = createRs({ clientSecret: 'wrong' })
    const seen: ReadyAttempt[] = []
    await expect(rs.ready({ onAttempt: (a) => seen.push(a) })).rejects.toMatchObject({
      code: 'unauthorized',
    })
    expect(seen).toHaveLength(1)
  })

  it('stops waiting when its signal aborts', async () => {
    msw.use(
      http.get(`${fakeAs().issuer}/.well-known/uma2-configuration`, () => HttpResponse.error()),
    )
    const rs = createRs()
    const controller = new AbortController()
    const waiting = rs.ready({ delayMs: 60_000, signal: controller.signal })
    setTimeout(() => controller.abort(new Error('shutting down')), 20)
    await expect(waiting).rejects.toThrow('shutting down')
  })
})
