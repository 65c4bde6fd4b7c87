/**
 * How many calls reach the AS: the introspection cache and the single flights, counted.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch, startApp, type RunningApp } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

describe('calls to the AS', () => {
  let as: FakeAs
  let rs: ResourceServer
  let app: RunningApp

  beforeEach(async () => {
    as = createFakeAs('spec')
    msw.use(...as.handlers)
    as.rpts.set('rpt-ok', {
      active: true,
      exp: Math.floor(Date.now() / 1000) + 300,
      grants: { 'photo-1': ['view'] },
    })
    rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
    })
    app = await startApp((express) =>
      express.get('/photos/:id', rs.requireUmaScope('view', { resource: 'photo-1' }), (_req, res) =>
        res.json({ ok: true }),
      ),
    )
  })

  afterEach(async () => {
    await app.close()
    await rs.close()
  })

  const get = (authorization?: string) =>
    fetch(`${app.url}/photos/1`, authorization === undefined ? {} : { headers: { authorization } })

  it('makes 1 introspection for 200 sequential requests with one RPT', async () => {
    for (let i = 0; i < 200; i++) expect((await get('Bearer rpt-ok')).status).toBe(200)
    expect(as.calls.introspection).toBe(1)
    expect(as.calls.discovery).toBe(1)
  })

  it('makes 1 introspection for 50 concurrent requests with a new RPT', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => get('Bearer rpt-ok')))
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(as.calls.introspection).toBe(1)
    expect(as.calls.discovery).toBe(1)
  })

  it('makes at most 2 introspections for 20 requests with one unknown token', async () => {
    for (let i = 0; i < 20; i++) expect((await get('Bearer forged')).status).toBe(401)
    expect(as.calls.introspection).toBeLessThanOrEqual(2)
    expect(as.calls.ticket).toBe(20)
  })

  it('fetches 1 PAT for 30 concurrent cold challenges, and a ticket for each', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => get()))
    expect(responses.every((r) => r.status === 401)).toBe(true)
    expect(as.calls.pat).toBe(1)
    expect(as.calls.ticket).toBe(30)
    const tickets = new Set(responses.map((r) => r.headers.get('www-authenticate')))
    expect(tickets.size).toBe(30)
  })
})
