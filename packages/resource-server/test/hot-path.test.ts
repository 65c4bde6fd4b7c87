/**
 * The cache-hit path of `requireUmaScope`: decided in the same turn as the request, `next()`
 * called before the guard returns, `req.uma` readable (and assignable) as before but not an own
 * property of the request, which would change its hidden class; sub-apps read it too. A
 * connection's last token key is remembered, and never decides for another token.
 */
import express, { type Request, type Response } from 'express'
import { Client } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createResourceServer, umaContext, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch, startApp, type RunningApp } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

describe('the cache-hit path', () => {
  let as: FakeAs
  let rs: ResourceServer
  let app: RunningApp | undefined

  beforeEach(() => {
    as = createFakeAs('spec')
    msw.use(...as.handlers)
    as.rpts.set('rpt-1', { active: true, grants: { 'photo-1': ['view'] } })
    rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: mswFetch,
    })
  })
  afterEach(async () => {
    await app?.close()
    app = undefined
    await rs.close()
  })

  it('calls next() before the guard returns once the RPT is cached, with req.uma set', async () => {
    const guard = rs.requireUmaScope('view', { resource: (req) => String(req.params.id) })
    const request = () =>
      ({
        headers: { authorization: 'Bearer rpt-1' },
        params: { id: 'photo-1' },
      }) as unknown as Request
    // a cache hit never touches the response
    const response = {} as unknown as Response
    const first = request()
    await new Promise<void>((resolve, reject) => {
      void guard(first, response, (err?: unknown) => {
        if (err === undefined) resolve()
        else reject(new Error('next(err) on the first request', { cause: err }))
      })
    })
    const second = request()
    let nexts = 0
    void guard(second, response, () => nexts++)
    expect(nexts).toBe(1)
    expect(umaContext(second)).toMatchObject({ resourceId: 'photo-1', scopes: ['view'] })
    expect(Object.isFrozen(second.uma)).toBe(true)
    // a plain object is no IncomingMessage: it gets an own property
    expect(Object.hasOwn(second, 'uma')).toBe(true)
    expect(as.calls.introspection).toBe(1)
  })

  it('gives the handler the same frozen req.uma without making it an own property', async () => {
    const seen: { own: boolean; uma: unknown; frozen: boolean; keys: string[] }[] = []
    app = await startApp((a) => {
      a.get('/photos/:id', rs.requireUmaScope('view', { resource: 'photo-1' }), (req, res) => {
        seen.push({
          own: Object.hasOwn(req, 'uma'),
          uma: req.uma,
          frozen: Object.isFrozen(req.uma),
          keys: Object.keys(req),
        })
        res.json({ issuer: umaContext(req).issuer })
      })
      a.get('/open', (req, res) => res.json({ uma: req.uma ?? null, guarded: 'uma' in req }))
    })
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${app.url}/photos/photo-1`, {
        headers: { authorization: 'Bearer rpt-1' },
      })
      expect(await res.json()).toEqual({ issuer: as.issuer })
    }
    expect(seen).toHaveLength(3)
    for (const s of seen) {
      expect(s.own).toBe(false)
      expect(s.frozen).toBe(true)
      expect(s.keys).not.toContain('uma')
      expect(s.uma).toMatchObject({
        resourceId: 'photo-1',
        scopes: ['view'],
        issuer: as.issuer,
        permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
      })
    }
    // a request no guard let through has no context
    expect(await (await fetch(`${app.url}/open`)).json()).toEqual({ uma: null, guarded: true })
    expect(as.calls.introspection).toBe(1)
  })

  it('lets a sub-app mounted behind the guard read req.uma, and a handler assign it', async () => {
    const sub = express()
    sub.get('/:id', (req, res) => {
      const before = umaContext(req).resourceId
      req.uma = { ...umaContext(req), resourceId: 'reassigned' }
      res.json({ before, after: req.uma.resourceId })
    })
    app = await startApp((a) => {
      a.use('/photos', rs.requireUmaScope('view', { resource: 'photo-1' }), sub)
    })
    const res = await fetch(`${app.url}/photos/photo-1`, {
      headers: { authorization: 'Bearer rpt-1' },
    })
    expect(await res.json()).toEqual({ before: 'photo-1', after: 'reassigned' })
  })

  it('gives each route its own decision for one token, reused or not', async () => {
    as.rpts.set('rpt-1', {
      active: true,
      grants: { 'photo-1': ['view', 'print'], 'photo-2': ['view'] },
    })
    const seen: unknown[] = []
    const handler = (req: Request, res: Response) => {
      const { resourceId, scopes } = umaContext(req)
      seen.push({ resourceId, scopes })
      res.json({ ok: true })
    }
    app = await startApp((a) => {
      a.get('/view-1', rs.requireUmaScope('view', { resource: 'photo-1' }), handler)
      a.get('/print-1', rs.requireUmaScope('print', { resource: 'photo-1' }), handler)
      a.get('/view-2', rs.requireUmaScope('view', { resource: 'photo-2' }), handler)
    })
    const paths = ['/view-1', '/print-1', '/view-2', '/view-1', '/view-1', '/view-2', '/print-1']
    for (const path of paths) {
      const res = await fetch(`${app.url}${path}`, { headers: { authorization: 'Bearer rpt-1' } })
      expect(res.status).toBe(200)
    }
    const expected = {
      '/view-1': { resourceId: 'photo-1', scopes: ['view'] },
      '/print-1': { resourceId: 'photo-1', scopes: ['print'] },
      '/view-2': { resourceId: 'photo-2', scopes: ['view'] },
    }
    expect(seen).toEqual(paths.map((p) => expected[p as keyof typeof expected]))
    expect(as.calls.introspection).toBe(1)
  })

  it("remembers a connection's last token key, which never answers for another token", async () => {
    as.rpts.set('rpt-2', { active: true, grants: { 'photo-2': ['view'] } })
    const sockets = new Set<unknown>()
    app = await startApp((a) => {
      a.get('/photos/:id', rs.requireUmaScope('view', { resource: 'photo-1' }), (req, res) => {
        sockets.add(req.socket)
        res.json({ ok: true })
      })
    })
    // one keep-alive connection for every request below
    const client = new Client(app.url, { pipelining: 1, connections: 1 } as Client.Options)
    const status = async (token: string) => {
      const res = await client.request({
        path: '/photos/photo-1',
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      })
      await res.body.dump()
      return res.statusCode
    }
    try {
      expect(await status('rpt-1')).toBe(200)
      expect(await status('rpt-1')).toBe(200)
      // another token on the same connection is decided on its own: rpt-2 holds no photo-1
      expect(await status('rpt-2')).toBe(401)
      expect(await status('rpt-unknown')).toBe(401)
      expect(await status('rpt-1')).toBe(200)
      expect(as.calls.introspection).toBe(3)
      // a remembered key is only a key: revocation still ends the RPT on this connection
      as.rpts.set('rpt-1', { active: false })
      await rs.revoke('rpt-1')
      expect(await status('rpt-1')).toBe(401)
      expect(sockets.size).toBe(1)
    } finally {
      await client.close()
    }
  })
})
