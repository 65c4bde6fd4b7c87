/**
 * Hostile, broken and slow ASes, over the default undici transport against a real AS on
 * 127.0.0.1: the request is never passed on, and the RS keeps serving.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { startHttpAs, type HttpAs } from './support/http-as.js'

const exp = () => Math.floor(Date.now() / 1000) + 300
const GOOD = {
  active: true,
  exp: exp(),
  permissions: [{ resource_id: 'r1', resource_scopes: ['view'] }],
}

describe('an RS facing a faulty AS', () => {
  let as: HttpAs
  let rs: ResourceServer
  const rpts = new Map<string, unknown>()

  beforeEach(async () => {
    rpts.clear()
    rpts.set('good', GOOD)
    as = await startHttpAs(rpts)
    rs = createResourceServer({
      issuer: as.issuer,
      clientId: 'rs',
      clientSecret: 'secret',
      timeoutMs: 250,
      cache: false,
    })
  })

  afterEach(async () => {
    await rs.close()
    await as.close()
  })

  const decide = (token: string) =>
    rs.authorize({ authorization: `Bearer ${token}`, resourceId: 'r1', scopes: ['view'] })

  async function expectStillServing(): Promise<void> {
    as.route('/introspect', (_req, res, body) => {
      const token = new URLSearchParams(body).get('token') ?? ''
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(rpts.get(token) ?? { active: false }))
    })
    expect(await decide('good')).toMatchObject({ allowed: true })
  }

  it('answers 403 with the Warning when the connection is refused', async () => {
    const closed = createResourceServer({
      issuer: 'http://127.0.0.1:9',
      clientId: 'rs',
      clientSecret: 's',
      timeoutMs: 250,
    })
    const decision = await closed.authorize({
      authorization: null,
      resourceId: 'r1',
      scopes: ['view'],
    })
    expect(decision).toMatchObject({ allowed: false, status: 403 })
    expect(decision.allowed ? undefined : decision.error?.code).toBe('as_unreachable')
    await closed.close()
  })

  it('answers 403 when the AS resets the connection mid-body, then keeps serving', async () => {
    as.route('/introspect', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"active": tr')
      setImmediate(() => res.socket?.destroy())
    })
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
    await expectStillServing()
  })

  it('answers 403 when the body stalls past timeoutMs', async () => {
    as.route('/introspect', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"active": true,')
    })
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
    await expectStillServing()
  })

  it('answers 403 when no headers come within timeoutMs', async () => {
    as.route('/introspect', () => undefined)
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
    await expectStillServing()
  })

  it('answers 403 when introspection answers 503', async () => {
    as.route('/introspect', (_req, res) => res.writeHead(503).end('down'))
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
  })

  it('answers 403 when introspection answers 200 with HTML', async () => {
    as.route('/introspect', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>{"active":true}</html>'),
    )
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
  })

  it.each([
    ['active as a string', { active: 'true', permissions: GOOD.permissions }],
    ['an array', [GOOD]],
    ['no active member', { permissions: GOOD.permissions }],
  ])('never allows JSON of the wrong shape: %s', async (_label, body) => {
    as.route('/introspect', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    )
    expect(await decide('good')).toMatchObject({ allowed: false })
  })

  it('answers 401 for an active RPT without permissions', async () => {
    rpts.set('bare', { active: true, exp: exp() })
    expect(await decide('bare')).toMatchObject({ allowed: false, status: 401 })
  })

  it('answers 401 for a permission with no scopes (none granted, by the spec)', async () => {
    rpts.set('empty', {
      active: true,
      exp: exp(),
      permissions: [{ resource_id: 'r1', resource_scopes: [] }],
    })
    expect(await decide('empty')).toMatchObject({ allowed: false, status: 401 })
  })

  it('answers 403, not allow, when the permission endpoint gives 200 and no ticket (SolidLab), without claiming the AS is unreachable', async () => {
    as.route('/perm', (_req, res) => res.writeHead(200).end())
    const decision = await decide('unknown')
    expect(decision).toMatchObject({ allowed: false, status: 403 })
    if (decision.allowed) throw new Error('unreachable')
    expect(decision.error?.code).toBe('ticket_not_issued')
    expect(decision.headers.warning).toBeUndefined()
  })

  it('refuses a body over 1 MiB from the AS', async () => {
    as.route('/introspect', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(`{"active":true,"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`)
    })
    expect(await decide('good')).toMatchObject({ allowed: false, status: 403 })
  })

  it('reuses its keep-alive connections: warm, 20 more calls open none', async () => {
    await decide('good')
    const warm = as.connections
    for (let i = 0; i < 20; i++) await decide('good')
    expect(as.hits.get('/introspect')).toBe(21)
    expect(as.connections).toBe(warm)
  })
})
