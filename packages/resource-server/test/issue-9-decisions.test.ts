/**
 * Issue 9, resource server, items 1, 2, 3, 7 and 8: what a review and an attack run found in
 * the decision, each reproduced against the RS as it was and fixed at its mechanism.
 */
import { HttpResponse, http } from 'msw'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ResourceServer } from '../src/index.js'
import { startApp, type RunningApp } from './support/app.js'
import type { FakeAs } from './support/fake-as.js'
import { useFakeResourceServers } from './support/fake-rs.js'

const fake = useFakeResourceServers({ timeoutMs: 500 })
const { msw, rs } = fake
let as: FakeAs
beforeEach(() => {
  as = fake.as()
})

const nowSeconds = () => Math.floor(Date.now() / 1000)

const view = (server: ResourceServer, token: string, scopes = ['view']) =>
  server.authorize({ authorization: `Bearer ${token}`, resourceId: 'photo-1', scopes })

describe('1. time claims are read once, as numbers, at the boundary', () => {
  it.each([
    ['a past exp as a numeric string', { exp: String(nowSeconds() - 3600) }],
    ['a future nbf as a numeric string', { nbf: String(nowSeconds() + 3600) }],
    ['an exp that is no number', { exp: 'tomorrow' }],
    ['an exp that is an object', { exp: { valueOf: 9e12 } }],
    ['an nbf that is an array', { nbf: [0] }],
  ])('refuses an RPT with %s, asking for a ticket instead', async (_name, extra) => {
    as.rpts.set('rpt', { active: true, grants: { 'photo-1': ['view'] }, extra })
    expect(await view(rs(), 'rpt')).toMatchObject({ allowed: false, status: 401 })
  })

  it('still accepts a future exp sent as a numeric string (read as a number)', async () => {
    as.rpts.set('rpt', {
      active: true,
      grants: { 'photo-1': ['view'] },
      extra: { exp: String(nowSeconds() + 3600) },
    })
    expect(await view(rs(), 'rpt')).toMatchObject({ allowed: true })
  })

  it('gives nothing for a permission whose own exp cannot be read, and does not cache it past that', async () => {
    as.rpts.set('rpt', {
      active: true,
      extra: {
        permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'], exp: 'later' }],
      },
    })
    expect(await view(rs(), 'rpt')).toMatchObject({ allowed: false, status: 401 })
  })

  it('keeps a cached answer no longer than a numeric-string exp allows', async () => {
    const server = rs()
    const exp = String(nowSeconds() + 30)
    as.rpts.set('rpt', { active: true, grants: { 'photo-1': ['view'] }, extra: { exp } })
    expect(await view(server, 'rpt')).toMatchObject({ allowed: true })
    const peeked = await server.introspect('rpt')
    expect(peeked.exp).toBe(exp)
    expect(as.calls.introspection).toBe(1)
  })
})

describe('2. nothing a caller is handed changes a later decision', () => {
  let app: RunningApp
  let server: ResourceServer
  const thrown: unknown[] = []

  beforeEach(async () => {
    thrown.length = 0
    server = rs()
    as.rpts.set('view-only', { active: true, grants: { 'photo-1': ['view'] } })
    app = await startApp((express) => {
      express.get(
        '/photos/:id',
        server.requireUmaScope('view', { resource: 'photo-1' }),
        (req, res) => {
          try {
            // a handler that tries to widen what the RPT holds, or to lock the next request out
            ;(req.uma?.permissions[0]?.resource_scopes as string[]).push('print')
          } catch (err) {
            thrown.push(err)
          }
          try {
            ;(req.uma?.introspection as { active: boolean }).active = false
          } catch (err) {
            thrown.push(err)
          }
          res.json({ ok: true })
        },
      )
      express.post(
        '/photos/:id/print',
        server.requireUmaScope('print', { resource: 'photo-1' }),
        (_req, res) => {
          res.status(202).json({ queued: true })
        },
      )
    })
  })
  afterEach(() => app.close())

  it('refuses to let a handler push print into req.uma, and the next print request is challenged', async () => {
    const auth = { authorization: 'Bearer view-only' }
    expect((await fetch(`${app.url}/photos/photo-1`, { headers: auth })).status).toBe(200)
    expect(thrown).toHaveLength(2)
    expect(thrown.every((err) => err instanceof TypeError)).toBe(true)
    const print = await fetch(`${app.url}/photos/photo-1/print`, { method: 'POST', headers: auth })
    expect(print.status).toBe(401)
    // the view-only RPT still opens the view route: active was not switched off
    expect((await fetch(`${app.url}/photos/photo-1`, { headers: auth })).status).toBe(200)
    expect(as.calls.introspection).toBe(1)
  })

  it('hands out frozen results from authorize() and introspect()', async () => {
    const decision = await view(server, 'view-only')
    if (!decision.allowed) throw new Error('expected allowed')
    expect(Object.isFrozen(decision)).toBe(true)
    expect(Object.isFrozen(decision.permissions[0]?.resource_scopes)).toBe(true)
    expect(Object.isFrozen(decision.scopes)).toBe(true)
    const introspection = await server.introspect('view-only')
    expect(Object.isFrozen(introspection)).toBe(true)
    expect(() => {
      ;(introspection as { active: boolean }).active = false
    }).toThrow(TypeError)
    expect(await view(server, 'view-only', ['print'])).toMatchObject({ allowed: false })
  })

  it("keeps authorize()'s own copy of the caller's scopes", async () => {
    const scopes = ['view']
    const pending = server.authorize({
      authorization: 'Bearer view-only',
      resourceId: 'photo-1',
      scopes,
    })
    scopes.push('print')
    expect(await pending).toMatchObject({ allowed: true, scopes: ['view'] })
  })
})

describe('3. a hostile ticket or realm never becomes a 500', () => {
  it.each([
    ['CR/LF', 'tkt\r\nSet-Cookie: a=b'],
    ['characters outside Latin-1', 'tkt-фото'],
    ['a space', 'tkt tkt'],
    ['9 KiB', 't'.repeat(9 * 1024)],
  ])(
    'treats a ticket with %s as the AS failing: 403, error invalid_response',
    async (_n, ticket) => {
      msw.use(
        http.post(as.endpoints.permission, () => HttpResponse.json({ ticket }, { status: 201 })),
      )
      const decision = await view(rs(), 'none')
      expect(decision).toMatchObject({ allowed: false, status: 403 })
      if (decision.allowed) return
      expect(decision.error?.code).toBe('invalid_response')
      expect(JSON.stringify(decision.headers)).not.toContain('Set-Cookie')
    },
  )

  it.each([['фото'], ['photos\r\n'], ['a'.repeat(300)], ['tab\there']])(
    'refuses the realm %j at createResourceServer',
    (realm) => {
      expect(() => rs({ realm })).toThrow(TypeError)
    },
  )
})

describe('7. garbage tokens never evict good ones; the cache is bounded by size', () => {
  it('keeps a checked RPT however many distinct unknown tokens come after it', async () => {
    const server = rs({ cache: { max: 10, inactiveMax: 10 } })
    as.rpts.set('good', { active: true, grants: { 'photo-1': ['view'] } })
    expect(await view(server, 'good')).toMatchObject({ allowed: true })
    for (let i = 0; i < 100; i++) await view(server, `garbage-${i}`)
    const before = as.calls.introspection
    expect(await view(server, 'good')).toMatchObject({ allowed: true })
    expect(as.calls.introspection).toBe(before)
  })

  it('bounds the memory of active answers: 300 answers of 256 KB stay under maxBytes', async () => {
    const maxBytes = 4 * 1024 * 1024
    const server = rs({ cache: { maxBytes } })
    const pad = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 300; i++) {
      as.rpts.set(`big-${i}`, { active: true, grants: { 'photo-1': ['view'] }, extra: { pad } })
    }
    for (let i = 0; i < 300; i++) await view(server, `big-${i}`)
    // every one was allowed, yet the cache kept only what fits
    expect(as.calls.introspection).toBe(300)
    await view(server, 'big-299')
    expect(as.calls.introspection).toBe(300)
    await view(server, 'big-0')
    expect(as.calls.introspection).toBe(301)
  })
})

describe('8. answers that are too large or mean "not now"', () => {
  it.each([
    [429, 'as_unreachable'],
    [408, 'as_unreachable'],
    [404, 'as_error'],
    [405, 'as_error'],
  ])(
    'reads introspection answering %i as the AS being unusable (403), not as inactive',
    async (status, code) => {
      msw.use(http.post(as.endpoints.introspection, () => HttpResponse.json({}, { status })))
      const decision = await view(rs(), 'rpt')
      expect(decision).toMatchObject({ allowed: false, status: 403 })
      if (!decision.allowed) expect(decision.error?.code).toBe(code)
      expect(as.calls.ticket).toBe(0)
    },
  )

  it('still reads 400 (SolidLab) as inactive: a challenge', async () => {
    msw.use(
      http.post(as.endpoints.introspection, () =>
        HttpResponse.json({ message: 'Invalid request body.' }, { status: 400 }),
      ),
    )
    expect(await view(rs(), 'rpt')).toMatchObject({ allowed: false, status: 401 })
  })

  it('refuses a JWKS over 256 KiB without keeping it (403, invalid_response)', async () => {
    let served = 0
    msw.use(
      http.get(as.endpoints.jwks, () => {
        served += 1
        return HttpResponse.json({ keys: [], pad: 'x'.repeat(1024 * 1024) })
      }),
    )
    const server = rs({ rptValidation: 'jwt' })
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjF9.c2ln'
    const decision = await view(server, jwt)
    expect(decision).toMatchObject({ allowed: false, status: 403 })
    if (!decision.allowed) expect(decision.error?.code).toBe('invalid_response')
    expect(served).toBe(1)
  })
})
