/**
 * The parts of the resource-server API the middleware table does not reach: option checks,
 * `authorize()` on its own, the global `onDenied`, `onDecision` events, and `close()`.
 */
import { isUmaError } from '@uma-kit/core'
import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  UNREACHABLE_WARNING,
  createResourceServer,
  type ResourceServerOptions,
} from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch, startApp } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

let as: FakeAs
beforeEach(() => {
  as = createFakeAs('spec')
  msw.use(...as.handlers)
  as.resources.add('photo-1')
})

const base = (): ResourceServerOptions => ({
  issuer: as.issuer,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  fetch: mswFetch,
  timeoutMs: 300,
})
const future = () => Math.floor(Date.now() / 1000) + 600

describe('createResourceServer: options', () => {
  it.each([
    ['no options', undefined],
    ['null', null],
    ['an issuer that is no URL', { issuer: 'not a url', clientId: 'c' }],
    ['an issuer with a query', { issuer: 'https://as.example/?x=1', clientId: 'c' }],
    ['no clientId', { issuer: 'https://as.example' }],
    ['an empty secret', { issuer: 'https://as.example', clientId: 'c', clientSecret: '' }],
    [
      'a bad rptValidation',
      { issuer: 'https://as.example', clientId: 'c', rptValidation: 'maybe' },
    ],
    ['a negative timeout', { issuer: 'https://as.example', clientId: 'c', timeoutMs: -1 }],
    ['a cache of the wrong type', { issuer: 'https://as.example', clientId: 'c', cache: 'yes' }],
    [
      'metadata with a non-URL endpoint',
      { issuer: 'https://as.example', clientId: 'c', metadata: { token_endpoint: 'ftp://x' } },
    ],
    [
      'a fetch that is no function',
      { issuer: 'https://as.example', clientId: 'c', fetch: 'fetch' },
    ],
  ])('throws a TypeError for %s, naming no secret', (_name, options) => {
    let caught: unknown
    try {
      createResourceServer(options as unknown as ResourceServerOptions)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(TypeError)
    expect(String(caught)).not.toContain('rs-secret')
  })

  it('throws at requireUmaScope, not on the first request, for a route with no resource or scopes', async () => {
    const rs = createResourceServer(base())
    expect(() => rs.requireUmaScope('view')).toThrow(TypeError)
    expect(() => rs.requireUmaScope([], { resource: 'photo-1' })).toThrow(TypeError)
    expect(() => rs.requireUmaScope(['view', ''], { resource: 'photo-1' })).toThrow(TypeError)
    await rs.close()
  })
})

describe('authorize()', () => {
  it('allows an RPT holding the scopes, with its permissions and introspection', async () => {
    as.rpts.set('good', { active: true, exp: future(), grants: { 'photo-1': ['view', 'print'] } })
    const rs = createResourceServer(base())
    const decision = await rs.authorize({
      authorization: 'Bearer good',
      resourceId: 'photo-1',
      scopes: ['view'],
    })
    expect(decision).toMatchObject({
      allowed: true,
      resourceId: 'photo-1',
      scopes: ['view'],
      introspection: { active: true },
    })
    await rs.close()
  })

  it('denies with 401, a challenge and no-store when there is no RPT', async () => {
    const rs = createResourceServer({ ...base(), realm: 'photos' })
    const decision = await rs.authorize({
      authorization: null,
      resourceId: 'photo-1',
      scopes: ['view'],
    })
    expect(decision.allowed).toBe(false)
    if (decision.allowed) return
    expect(decision.status).toBe(401)
    expect(decision.headers['www-authenticate']).toMatch(
      /^UMA realm="photos", as_uri="[^"]+", ticket="[^"]+"$/,
    )
    expect(decision.headers['cache-control']).toBe('no-store')
    await rs.close()
  })

  it('denies with 403 and the Warning, the error kept for logs, when the AS is down', async () => {
    msw.use(http.post(as.endpoints.permission, () => HttpResponse.error()))
    const rs = createResourceServer(base())
    const decision = await rs.authorize({ resourceId: 'photo-1', scopes: ['view'] })
    expect(decision).toMatchObject({
      allowed: false,
      status: 403,
      headers: { warning: UNREACHABLE_WARNING },
    })
    if (!decision.allowed) expect(decision.error?.code).toBe('as_unreachable')
    await rs.close()
  })

  it('rejects with the UmaError when the AS refuses the resource id', async () => {
    const rs = createResourceServer(base())
    const err: unknown = await rs
      .authorize({ resourceId: 'unknown', scopes: ['view'] })
      .catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('invalid_resource_id')
    await rs.close()
  })

  it('rejects bad input with a TypeError', async () => {
    const rs = createResourceServer(base())
    for (const input of [
      null,
      {},
      { resourceId: '', scopes: ['view'] },
      { resourceId: 'photo-1', scopes: [] },
      { resourceId: 'photo-1', scopes: 'view' },
    ]) {
      await expect(rs.authorize(input as never)).rejects.toBeInstanceOf(TypeError)
    }
    await rs.close()
  })
})

describe('onDenied and onDecision', () => {
  it('renders every denial with the global onDenied, keeping status and headers', async () => {
    const rs = createResourceServer({
      ...base(),
      onDenied: (_req, res, decision) => {
        res.json({ custom: true, status: decision.status })
      },
    })
    const app = await startApp((express) => {
      express.get('/p', rs.requireUmaScope('view', { resource: 'photo-1' }), (_req, res) =>
        res.end(),
      )
    })
    const res = await fetch(`${app.url}/p`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^UMA /)
    expect(await res.json()).toEqual({ custom: true, status: 401 })
    await app.close()
    await rs.close()
  })

  it('reports each decision without a token, and survives a throwing listener', async () => {
    as.rpts.set('good', { active: true, exp: future(), grants: { 'photo-1': ['view'] } })
    const events: unknown[] = []
    const rs = createResourceServer({
      ...base(),
      onDecision: (event) => {
        events.push(event)
        throw new Error('listener bug')
      },
    })
    await rs.authorize({ authorization: 'Bearer good', resourceId: 'photo-1', scopes: ['view'] })
    await rs.authorize({ authorization: 'Bearer good', resourceId: 'photo-1', scopes: ['view'] })
    await rs.authorize({ resourceId: 'photo-1', scopes: ['view'] })
    await rs.authorize({ resourceId: 'unknown', scopes: ['view'] }).catch(() => undefined)
    msw.use(http.post(as.endpoints.permission, () => HttpResponse.error()))
    await rs.authorize({ resourceId: 'photo-1', scopes: ['view'] })
    expect(events).toMatchObject([
      { resourceId: 'photo-1', scopes: ['view'], outcome: 'allowed', cached: false },
      { outcome: 'allowed', cached: true },
      { outcome: 'challenged', cached: false },
      { resourceId: 'unknown', outcome: 'error' },
      { outcome: 'unreachable' },
    ])
    for (const event of events)
      expect(typeof (event as { durationMs: number }).durationMs).toBe('number')
    expect(JSON.stringify(events)).not.toContain('good')
    await rs.close()
  })
})

describe('requireUmaScope: resource resolvers', () => {
  it('takes a string, a promise or any thenable from the resolver, as await would', async () => {
    as.rpts.set('good', { active: true, exp: future(), grants: { 'photo-1': ['view'] } })
    const rs = createResourceServer(base())
    const thenable = {
      then(resolve: (id: string) => void) {
        resolve('photo-1')
      },
    }
    const app = await startApp((express) => {
      const ok = (_req: unknown, res: { end(): void }) => res.end()
      express.get('/sync', rs.requireUmaScope('view', { resource: () => 'photo-1' }), ok)
      express.get(
        '/promise',
        rs.requireUmaScope('view', { resource: () => Promise.resolve('photo-1') }),
        ok,
      )
      express.get(
        '/thenable',
        rs.requireUmaScope('view', { resource: () => thenable as unknown as Promise<string> }),
        ok,
      )
    })
    for (const path of ['/sync', '/promise', '/thenable']) {
      const res = await fetch(`${app.url}${path}`, { headers: { authorization: 'Bearer good' } })
      expect([path, res.status]).toEqual([path, 200])
    }
    await app.close()
    await rs.close()
  })
})

describe('close()', () => {
  it('can be called twice, and leaves nothing that keeps the process alive', async () => {
    const rs = createResourceServer({
      issuer: 'https://as.example',
      clientId: 'c',
      clientSecret: 's',
    })
    await rs.close()
    await rs.close()
  })
})
