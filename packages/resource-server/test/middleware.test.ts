/**
 * api.md's table for requireUmaScope, row by row, over real HTTP against an Express app on
 * 127.0.0.1, with the AS in the spec's shape and in Keycloak's.
 */
import { parseUmaChallenge } from '@uma-kit/core'
import { HttpResponse, delay, http } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch, startApp, type RunningApp } from './support/app.js'
import {
  CLIENT_ID,
  CLIENT_SECRET,
  createFakeAs,
  type FakeAs,
  type Shape,
} from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const nowSeconds = () => Math.floor(Date.now() / 1000)

describe.each<Shape>(['spec', 'keycloak'])('requireUmaScope against a %s-shaped AS', (shape) => {
  let as: FakeAs
  let rs: ResourceServer
  let app: RunningApp
  const seen: unknown[] = []

  beforeEach(async () => {
    as = createFakeAs(shape)
    msw.use(...as.handlers)
    seen.length = 0
    rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      realm: 'photos',
      timeoutMs: 300,
      fetch: mswFetch,
    })
    app = await startApp((express) => {
      express.get(
        '/photos/:id',
        rs.requireUmaScope('view', { resource: (req) => String(req.params.id) }),
        (req, res) => {
          seen.push(req.uma)
          res.json({ ok: true })
        },
      )
      express.post(
        '/photos/:id/print',
        rs.requireUmaScope(['view', 'print'], { resource: (req) => String(req.params.id) }),
        (_req, res) => res.json({ printed: true }),
      )
      express.get(
        '/broken',
        rs.requireUmaScope('view', {
          resource: () => {
            throw new Error('database down at 10.0.0.7')
          },
        }),
        (_req, res) => res.json({ ok: true }),
      )
    })
  })

  afterEach(async () => {
    await app.close()
    await rs.close()
  })

  const get = (path: string, authorization?: string) =>
    fetch(`${app.url}${path}`, authorization === undefined ? {} : { headers: { authorization } })

  async function expectChallenge(response: Response): Promise<string> {
    expect(response.status).toBe(401)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const challenge = parseUmaChallenge(response.headers.get('www-authenticate'))
    expect(challenge).toMatchObject({ realm: 'photos', asUri: as.issuer })
    const body = await response.text()
    expect(body).not.toMatch(/pat-|ticket-|photo-rs|stack/)
    return challenge!.ticket
  }

  it('answers 401 with a UMA challenge and a ticket for the route when there is no RPT', async () => {
    const ticket = await expectChallenge(await get('/photos/photo-1'))
    expect(ticket).toBe('ticket-1')
    expect(as.ticketRequests).toEqual([[{ resource_id: 'photo-1', resource_scopes: ['view'] }]])
    expect(seen).toEqual([])
  })

  it.each([
    ['inactive', { active: false }],
    ['expired', { active: true, exp: nowSeconds() - 10, grants: { 'photo-1': ['view'] } }],
    [
      'not yet valid',
      { active: true, grants: { 'photo-1': ['view'] }, extra: { nbf: nowSeconds() + 600 } },
    ],
  ])('answers 401 with a fresh ticket for an %s RPT', async (_label, rpt) => {
    as.rpts.set('rpt-x', rpt)
    await expectChallenge(await get('/photos/photo-1', 'Bearer rpt-x'))
    expect(as.calls.ticket).toBe(1)
    expect(seen).toEqual([])
  })

  it('answers 401 for an RPT the AS does not know', async () => {
    await expectChallenge(await get('/photos/photo-1', 'Bearer unknown-token'))
  })

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer with no token', 'Bearer'],
    ['Bearer and a blank', 'Bearer '],
    ['two tokens', 'Bearer a b'],
    ['a token of 9 KiB', `Bearer ${'a'.repeat(9 * 1024)}`],
    ['characters a bearer token cannot hold', 'Bearer to"ken'],
  ])('answers 401 without asking the AS about %s', async (_label, authorization) => {
    await expectChallenge(await get('/photos/photo-1', authorization))
    expect(as.calls.introspection).toBe(0)
  })

  it('answers 401 for a token of 8 KiB after asking the AS, never 500', async () => {
    await expectChallenge(await get('/photos/photo-1', `Bearer ${'a'.repeat(8192)}`))
    expect(as.calls.introspection).toBe(1)
  })

  it('answers 401 with a fresh ticket when the RPT lacks print', async () => {
    as.rpts.set('rpt-view', {
      active: true,
      exp: nowSeconds() + 300,
      grants: { 'photo-1': ['view'] },
    })
    const response = await fetch(`${app.url}/photos/photo-1/print`, {
      method: 'POST',
      headers: { authorization: 'Bearer rpt-view' },
    })
    await expectChallenge(response)
    expect(as.ticketRequests).toEqual([
      [{ resource_id: 'photo-1', resource_scopes: ['view', 'print'] }],
    ])
  })

  it('answers 401 when the RPT holds the scope on another resource only', async () => {
    as.rpts.set('rpt-2', { active: true, exp: nowSeconds() + 300, grants: { 'photo-2': ['view'] } })
    await expectChallenge(await get('/photos/photo-1', 'Bearer rpt-2'))
  })

  it('lets the request through with req.uma when the RPT holds every scope', async () => {
    as.rpts.set('rpt-ok', {
      active: true,
      exp: nowSeconds() + 300,
      grants: { 'photo-1': ['view', 'print'] },
    })
    const response = await get('/photos/photo-1', 'Bearer rpt-ok')
    expect(response.status).toBe(200)
    expect(seen).toEqual([
      expect.objectContaining({
        resourceId: 'photo-1',
        scopes: ['view'],
        permissions: [{ resource_id: 'photo-1', resource_scopes: ['view', 'print'] }],
        introspection: expect.objectContaining({ active: true }) as unknown,
      }),
    ])
    expect(as.calls.ticket).toBe(0)
  })

  it('answers 403 with the Warning when a ticket is needed and the AS is unreachable', async () => {
    msw.use(http.post(as.endpoints.permission, () => HttpResponse.error()))
    const response = await get('/photos/photo-1')
    expect(response.status).toBe(403)
    expect(response.headers.get('warning')).toBe('199 - "UMA Authorization Server Unreachable"')
    expect(response.headers.get('www-authenticate')).toBeNull()
  })

  it('answers 403 with the Warning when the permission endpoint answers 503', async () => {
    msw.use(http.post(as.endpoints.permission, () => new HttpResponse('busy', { status: 503 })))
    const response = await get('/photos/photo-1')
    expect(response.status).toBe(403)
    expect(response.headers.get('warning')).toMatch(
      /^199 - "UMA Authorization Server Unreachable"$/,
    )
  })

  it('answers 403 with the Warning when the AS is slower than timeoutMs', async () => {
    msw.use(http.post(as.endpoints.permission, () => delay('infinite')))
    const response = await get('/photos/photo-1')
    expect(response.status).toBe(403)
  })

  it('never passes on a request whose RPT cannot be checked: 403 with the Warning', async () => {
    msw.use(http.post(as.endpoints.introspection, () => HttpResponse.error()))
    as.rpts.set('rpt-ok', { active: true, grants: { 'photo-1': ['view'] } })
    const response = await get('/photos/photo-1', 'Bearer rpt-ok')
    expect(response.status).toBe(403)
    expect(response.headers.get('warning')).toBe('199 - "UMA Authorization Server Unreachable"')
    expect(seen).toEqual([])
  })

  it('hands a failing resource resolver to next(err) and leaks nothing', async () => {
    const response = await get('/broken')
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('10.0.0.7')
    expect(app.errors).toEqual([
      expect.objectContaining({ name: 'UmaError', code: 'resource_unresolved' }),
    ])
  })

  it('hands a resource id the AS rejects to next(err)', async () => {
    const response = await get('/photos/no-such-photo')
    expect(response.status).toBe(500)
    expect(app.errors).toEqual([expect.objectContaining({ code: 'invalid_resource_id' })])
  })
})

describe('requireUmaScope and a misconfigured AS', () => {
  it.each([
    ['discovery_failed', () => HttpResponse.json({ issuer: 'https://as.example' })],
    [
      'issuer_mismatch',
      () =>
        HttpResponse.json({
          issuer: 'https://evil.example',
          token_endpoint: 'https://as.example/t',
        }),
    ],
  ])('hands %s to next(err)', async (code, answer) => {
    msw.use(http.get('https://as.example/.well-known/uma2-configuration', answer))
    const rs = createResourceServer({
      issuer: 'https://as.example',
      clientId: 'rs',
      clientSecret: 's',
      fetch: mswFetch,
    })
    const app = await startApp((express) =>
      express.get('/p', rs.requireUmaScope('view', { resource: 'r1' }), (_req, res) => res.end()),
    )
    try {
      expect((await fetch(`${app.url}/p`)).status).toBe(500)
      expect(app.errors).toEqual([expect.objectContaining({ code })])
    } finally {
      await app.close()
      await rs.close()
    }
  })

  it('answers 403 with the Warning when discovery cannot reach the AS', async () => {
    msw.use(
      http.get('https://as.example/.well-known/uma2-configuration', () => HttpResponse.error()),
    )
    const rs = createResourceServer({
      issuer: 'https://as.example',
      clientId: 'rs',
      clientSecret: 's',
      fetch: mswFetch,
    })
    const app = await startApp((express) =>
      express.get('/p', rs.requireUmaScope('view', { resource: 'r1' }), (_req, res) => res.end()),
    )
    try {
      const response = await fetch(`${app.url}/p`)
      expect(response.status).toBe(403)
      expect(response.headers.get('warning')).toBe('199 - "UMA Authorization Server Unreachable"')
    } finally {
      await app.close()
      await rs.close()
    }
  })
})
