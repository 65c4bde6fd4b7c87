/**
 * `ready()`: waiting for an AS that starts after the RS (issue 11), with bounded retries and a
 * line per attempt, and no waiting for what waiting cannot cure.
 */
import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createResourceServer, type ReadyAttempt } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

describe('ready()', () => {
  it('retries with backoff while the AS is down, telling each attempt, then resolves', async () => {
    const as = createFakeAs('spec')
    let down = 3
    msw.use(
      http.get(`${as.issuer}/.well-known/uma2-configuration`, () => {
        if (down-- > 0) return HttpResponse.error()
        return undefined
      }),
      ...as.handlers,
    )
    const rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
    })
    const seen: ReadyAttempt[] = []
    await rs.ready({ delayMs: 5, onAttempt: (a) => seen.push(a) })
    expect(seen.map((a) => [a.attempt, a.error?.code, a.retryInMs])).toEqual([
      [1, 'as_unreachable', 5],
      [2, 'as_unreachable', 10],
      [3, 'as_unreachable', 20],
      [4, undefined, undefined],
    ])
    expect(as.calls.pat).toBe(1)
    await rs.close()
  })

  it('gives up after the attempts with the last error', async () => {
    const as = createFakeAs('spec')
    msw.use(http.get(`${as.issuer}/.well-known/uma2-configuration`, () => HttpResponse.error()))
    const rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
    })
    const seen: ReadyAttempt[] = []
    await expect(
      rs.ready({ attempts: 3, delayMs: 1, onAttempt: (a) => seen.push(a) }),
    ).rejects.toMatchObject({ code: 'as_unreachable' })
    expect(seen).toHaveLength(3)
    expect(seen[2]?.retryInMs).toBeUndefined()
    await rs.close()
  })

  it('fails at once on a misconfiguration: a wrong secret is not cured by waiting', async () => {
    const as = createFakeAs('spec')
    msw.use(...as.handlers)
    const rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: 'wrong',
      fetch: mswFetch,
    })
    const seen: ReadyAttempt[] = []
    await expect(rs.ready({ onAttempt: (a) => seen.push(a) })).rejects.toMatchObject({
      code: 'unauthorized',
    })
    expect(seen).toHaveLength(1)
    await rs.close()
  })

  it('stops waiting when its signal aborts', async () => {
    const as = createFakeAs('spec')
    msw.use(http.get(`${as.issuer}/.well-known/uma2-configuration`, () => HttpResponse.error()))
    const rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
    })
    const controller = new AbortController()
    const waiting = rs.ready({ delayMs: 60_000, signal: controller.signal })
    setTimeout(() => controller.abort(new Error('shutting down')), 20)
    await expect(waiting).rejects.toThrow('shutting down')
    await rs.close()
  })
})
