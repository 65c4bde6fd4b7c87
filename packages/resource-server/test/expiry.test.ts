/**
 * Cached checks in time: an RPT expiring while cached, inactive answers, answers without `exp`,
 * and failures, with fake clocks (no sleeping).
 */
import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => {
  msw.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => msw.close())

const START = Date.UTC(2026, 10, 24, 12, 0, 0)
const at = (seconds: number) => START / 1000 + seconds

describe('cached RPT checks over time', () => {
  let as: FakeAs
  let rs: ResourceServer

  beforeEach(() => {
    // only the clocks: msw and fetch keep their real timers
    vi.useFakeTimers({ toFake: ['Date', 'performance'], now: START })
    as = createFakeAs('spec')
    msw.use(...as.handlers)
    rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
      cache: { maxTtlSeconds: 60, inactiveTtlSeconds: 5 },
    })
  })

  afterEach(() => rs.close())

  const check = (token: string) =>
    rs.authorize({ authorization: `Bearer ${token}`, resourceId: 'photo-1', scopes: ['view'] })

  it('refuses an RPT from the second it expires, though it is cached', async () => {
    as.rpts.set('rpt', { active: true, exp: at(30), grants: { 'photo-1': ['view'] } })
    expect(await check('rpt')).toMatchObject({ allowed: true })
    vi.setSystemTime(START + 29_999)
    expect(await check('rpt')).toMatchObject({ allowed: true })
    expect(as.calls.introspection).toBe(1)
    vi.setSystemTime(START + 30_000)
    expect(await check('rpt')).toMatchObject({ allowed: false, status: 401 })
  })

  it('refuses a permission from the second its own exp passes', async () => {
    as.rpts.set('rpt', {
      active: true,
      exp: at(300),
      grants: {},
      extra: { permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'], exp: at(10) }] },
    })
    expect(await check('rpt')).toMatchObject({ allowed: true })
    vi.setSystemTime(START + 10_000)
    expect(await check('rpt')).toMatchObject({ allowed: false })
  })

  it('keeps an active answer without exp for maxTtlSeconds, then asks again', async () => {
    as.rpts.set('rpt', { active: true, grants: { 'photo-1': ['view'] } })
    await check('rpt')
    vi.setSystemTime(START + 59_000)
    await check('rpt')
    expect(as.calls.introspection).toBe(1)
    vi.setSystemTime(START + 60_000)
    expect(await check('rpt')).toMatchObject({ allowed: true })
    expect(as.calls.introspection).toBe(2)
  })

  it('keeps an inactive answer for inactiveTtlSeconds only', async () => {
    await check('unknown')
    vi.setSystemTime(START + 4_000)
    await check('unknown')
    expect(as.calls.introspection).toBe(1)
    vi.setSystemTime(START + 5_000)
    await check('unknown')
    expect(as.calls.introspection).toBe(2)
  })

  it('lets a JWT RPT own exp shorten the entry when the answer has none (SolidLab)', async () => {
    const payload = Buffer.from(JSON.stringify({ exp: at(20) })).toString('base64url')
    const jwt = `eyJhbGciOiJFUzI1NiJ9.${payload}.c2ln`
    as.rpts.set(jwt, { active: true, grants: { 'photo-1': ['view'] } })
    await check(jwt)
    vi.setSystemTime(START + 19_000)
    await check(jwt)
    expect(as.calls.introspection).toBe(1)
    vi.setSystemTime(START + 20_000)
    await check(jwt)
    expect(as.calls.introspection).toBe(2)
  })

  it('never keeps a failed check', async () => {
    as.rpts.set('rpt', { active: true, exp: at(300), grants: { 'photo-1': ['view'] } })
    msw.use(
      http.post(as.endpoints.introspection, () => new HttpResponse(null, { status: 503 }), {
        once: true,
      }),
    )
    expect(await check('rpt')).toMatchObject({ allowed: false, status: 403 })
    expect(await check('rpt')).toMatchObject({ allowed: true })
  })

  it('keeps nothing with cache: false, yet allows and refuses the same', async () => {
    const uncached = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
      cache: false,
    })
    as.rpts.set('rpt', { active: true, exp: at(300), grants: { 'photo-1': ['view'] } })
    const decide = () =>
      uncached.authorize({ authorization: 'Bearer rpt', resourceId: 'photo-1', scopes: ['view'] })
    expect(await decide()).toMatchObject({ allowed: true })
    expect(await decide()).toMatchObject({ allowed: true })
    expect(as.calls.introspection).toBe(2)
    await uncached.close()
  })
})
