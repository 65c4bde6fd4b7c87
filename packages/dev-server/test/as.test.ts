import { afterEach, describe, expect, it } from 'vitest'
import {
  JWT_CLAIMS_FORMAT,
  PHOTOS_CONFIG_URL,
  checkConfig,
  createDevServer,
  loadConfig,
  type DevServerShape,
  type DevServer,
} from '../src/index.js'

let as: DevServer | undefined
afterEach(async () => {
  await as?.close()
  as = undefined
})

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
const RS = basic('photo-rs', 'photo-rs-secret')
const BOB = basic('bob-app', 'bob-app-secret')
const CAROL = basic('carol-app', 'carol-app-secret')
const form = (params: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(params).toString(),
})

async function start(shape: DevServerShape = 'spec') {
  as = await createDevServer({ config: await loadConfig(PHOTOS_CONFIG_URL), shape })
  const issuer = await as.listen(0)
  const meta = (await (await fetch(`${issuer}/.well-known/uma2-configuration`)).json()) as Record<
    string,
    string
  >
  return { issuer, meta, server: as }
}

async function post(url: string, auth: string, params: Record<string, string>) {
  const { body, ...headers } = form(params)
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, authorization: auth },
    body,
  })
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  }
}

async function pat(meta: Record<string, string>) {
  const { json } = await post(meta.token_endpoint ?? '', RS, {
    grant_type: 'client_credentials',
    scope: 'uma_protection',
  })
  return String(json.access_token)
}

async function registerPhoto(meta: Record<string, string>, token: string) {
  const res = await fetch(meta.resource_registration_endpoint ?? '', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'photo.jpg', resource_scopes: ['view', 'print'] }),
  })
  const body = (await res.json()) as { _id: string }
  return { status: res.status, id: body._id, body, headers: res.headers }
}

async function ticketFor(
  meta: Record<string, string>,
  token: string,
  resourceId: string,
  scopes: string[],
) {
  const res = await fetch(meta.permission_endpoint ?? '', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ resource_id: resourceId, resource_scopes: scopes }]),
  })
  return ((await res.json()) as { ticket: string }).ticket
}

async function setUp(shape: DevServerShape = 'spec') {
  const { issuer, meta, server } = await start(shape)
  const token = await pat(meta)
  const { id } = await registerPhoto(meta, token)
  return { issuer, meta, token, id, server }
}

const grant = (meta: Record<string, string>, auth: string, params: Record<string, string>) =>
  post(meta.token_endpoint ?? '', auth, {
    grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket',
    ...params,
  })

const bobClaims = Buffer.from(JSON.stringify({ email: 'bob@example.com' })).toString('base64url')

describe('discovery and PATs', () => {
  it('publishes the spec paths, or Keycloak paths under /realms/photos', async () => {
    const spec = await start('spec')
    expect(spec.meta).toMatchObject({
      issuer: spec.issuer,
      token_endpoint: `${spec.issuer}/token`,
      claims_interaction_endpoint: `${spec.issuer}/claims`,
    })
    await as?.close()
    const kc = await start('keycloak')
    expect(kc.issuer).toMatch(/\/realms\/photos$/)
    expect(kc.meta.token_endpoint).toBe(`${kc.issuer}/protocol/openid-connect/token`)
    expect(kc.meta.claims_interaction_endpoint).toBeUndefined()
  })

  it('refuses a wrong secret, a client that is no RS, and a PAT without uma_protection', async () => {
    const { meta } = await start()
    const url = meta.token_endpoint ?? ''
    expect(
      (
        await post(url, basic('photo-rs', 'wrong'), {
          grant_type: 'client_credentials',
          scope: 'uma_protection',
        })
      ).status,
    ).toBe(401)
    expect(
      (await post(url, BOB, { grant_type: 'client_credentials', scope: 'uma_protection' })).json
        .error,
    ).toBe('unauthorized_client')
    expect((await post(url, RS, { grant_type: 'client_credentials' })).json.error).toBe(
      'invalid_scope',
    )
    expect((await post(url, RS, { grant_type: 'password' })).json.error).toBe(
      'unsupported_grant_type',
    )
  })
})

describe('resource registration', () => {
  it('spec shape: 201 with _id and Location, read, list by name, update 200, delete 204', async () => {
    const { meta } = await start()
    const token = await pat(meta)
    const created = await registerPhoto(meta, token)
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toContain(created.id)
    const auth = { authorization: `Bearer ${token}` }
    const url = `${meta.resource_registration_endpoint}/${created.id}`
    expect(await (await fetch(url, { headers: auth })).json()).toMatchObject({
      _id: created.id,
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    expect(
      await (
        await fetch(`${meta.resource_registration_endpoint}?name=photo.jpg&exactName=true`, {
          headers: auth,
        })
      ).json(),
    ).toEqual([created.id])
    const put = await fetch(url, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'photo.jpg', resource_scopes: ['view'] }),
    })
    expect(put.status).toBe(200)
    expect((await fetch(url, { method: 'DELETE', headers: auth })).status).toBe(204)
    expect((await fetch(url, { headers: auth })).status).toBe(404)
  })

  it('Keycloak shape: the full resource with scope objects, update 204, 404 with an empty body', async () => {
    const { meta } = await start('keycloak')
    const token = await pat(meta)
    const created = await registerPhoto(meta, token)
    expect(created.body).toMatchObject({
      name: 'photo.jpg',
      resource_scopes: [{ name: 'view' }, { name: 'print' }],
    })
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const url = `${meta.resource_registration_endpoint}/${created.id}`
    expect(
      (
        await fetch(url, {
          method: 'PUT',
          headers: auth,
          body: JSON.stringify({ name: 'photo.jpg', resource_scopes: ['view'] }),
        })
      ).status,
    ).toBe(204)
    const missing = await fetch(`${meta.resource_registration_endpoint}/nope`, { headers: auth })
    expect([missing.status, await missing.text()]).toEqual([404, ''])
  })

  it.each([
    ['no PAT', undefined, '{}', 401],
    ['broken JSON', 'pat', '{"name":', 400],
    ['no scopes', 'pat', '{"name":"x"}', 400],
    ['scopes of the wrong type', 'pat', '{"name":"x","resource_scopes":[1]}', 400],
    ['no name', 'pat', '{"resource_scopes":["view"]}', 400],
    ['a JSON array', 'pat', '[]', 400],
  ])('refuses %s, and keeps nothing', async (_name, auth, body, status) => {
    const { meta } = await start()
    const token = await pat(meta)
    const res = await fetch(meta.resource_registration_endpoint ?? '', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body,
    })
    expect(res.status).toBe(status)
    expect(await res.json()).toHaveProperty('error')
    expect(as?.state.resources.size).toBe(0)
  })

  it('refuses a second resource with the same name (409)', async () => {
    const { meta } = await start()
    const token = await pat(meta)
    await registerPhoto(meta, token)
    expect((await registerPhoto(meta, token)).status).toBe(409)
  })
})

describe('permission endpoint', () => {
  it('issues a ticket for an object or an array, and refuses unknown ids and scopes', async () => {
    const { meta, token, id } = await setUp()
    const call = (body: unknown) =>
      fetch(meta.permission_endpoint ?? '', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await call({ resource_id: id, resource_scopes: ['view'] })).status).toBe(201)
    expect((await call([{ resource_id: id, resource_scopes: ['view'] }])).status).toBe(201)
    expect(
      await (await call([{ resource_id: 'nope', resource_scopes: ['view'] }])).json(),
    ).toMatchObject({ error: 'invalid_resource_id' })
    expect(
      await (await call([{ resource_id: id, resource_scopes: ['delete'] }])).json(),
    ).toMatchObject({ error: 'invalid_scope' })
    expect((await call([])).status).toBe(400)
  })
})

describe('the uma-ticket grant', () => {
  it('grants view to Bob, refuses Carol, and burns the ticket either way', async () => {
    const { meta, token, id } = await setUp()
    const t1 = await ticketFor(meta, token, id, ['view'])
    const granted = await grant(meta, BOB, { ticket: t1 })
    expect(granted.status).toBe(200)
    expect(granted.headers.get('cache-control')).toBe('no-store')
    expect(granted.json).toMatchObject({ token_type: 'Bearer', expires_in: 300 })
    expect((await grant(meta, BOB, { ticket: t1 })).json.error).toBe('invalid_grant')
    const t2 = await ticketFor(meta, token, id, ['view'])
    expect((await grant(meta, CAROL, { ticket: t2 })).json.error).toBe('request_denied')
  })

  it('asks for claims, then the owner, then upgrades the RPT (spec shape)', async () => {
    const { meta, token, id, server } = await setUp()
    const view = await grant(meta, BOB, { ticket: await ticketFor(meta, token, id, ['view']) })
    const rpt = String(view.json.access_token)
    const needInfo = await grant(meta, BOB, {
      ticket: await ticketFor(meta, token, id, ['print']),
      rpt,
    })
    expect(needInfo.status).toBe(403)
    expect(needInfo.json).toMatchObject({
      error: 'need_info',
      required_claims: [{ name: 'email' }],
      redirect_user: meta.claims_interaction_endpoint,
    })
    const submitted = await grant(meta, BOB, {
      ticket: String(needInfo.json.ticket),
      rpt,
      claim_token: bobClaims,
      claim_token_format: JWT_CLAIMS_FORMAT,
    })
    expect(submitted.json).toMatchObject({ error: 'request_submitted', interval: 1 })
    const [request] = server.pendingRequests('alice')
    expect(request).toMatchObject({
      clientId: 'bob-app',
      scope: 'print',
      resourceName: 'photo.jpg',
    })
    server.decide('alice', request?.id ?? '', 'approve')
    const upgraded = await grant(meta, BOB, { ticket: String(submitted.json.ticket), rpt })
    expect(upgraded.json).toMatchObject({ upgraded: true })
    expect(typeof upgraded.json.pct).toBe('string')
    const introspected = await post(meta.introspection_endpoint ?? '', RS, {
      token: String(upgraded.json.access_token),
    })
    expect(introspected.json).toMatchObject({
      active: true,
      permissions: [{ resource_id: id, resource_scopes: ['print', 'view'] }],
    })
  })

  it('refuses a wrong claim value and an unreadable claim token', async () => {
    const { meta, token, id } = await setUp()
    const wrong = Buffer.from(JSON.stringify({ email: 'eve@example.com' })).toString('base64url')
    expect(
      (
        await grant(meta, BOB, {
          ticket: await ticketFor(meta, token, id, ['print']),
          claim_token: wrong,
          claim_token_format: JWT_CLAIMS_FORMAT,
        })
      ).json.error,
    ).toBe('request_denied')
    expect(
      (
        await grant(meta, BOB, {
          ticket: await ticketFor(meta, token, id, ['print']),
          claim_token: '!!!',
          claim_token_format: JWT_CLAIMS_FORMAT,
        })
      ).json.error,
    ).toBe('invalid_request')
    expect((await grant(meta, BOB, {})).json.error).toBe('invalid_request')
    expect((await grant(meta, basic('bob-app', 'nope'), { ticket: 'x' })).status).toBe(401)
  })

  it("answers with Keycloak's codes in the Keycloak shape", async () => {
    const { meta, token, id, server } = await setUp('keycloak')
    const t = await ticketFor(meta, token, id, ['print'])
    expect((await grant(meta, BOB, { ticket: t })).json).toMatchObject({
      error: 'access_denied',
      error_description: 'not_authorized',
    })
    expect((await grant(meta, BOB, { ticket: 'not-a-ticket' })).json.error).toBe('invalid_ticket')
    // Keycloak's tickets are reusable: the same one is assessed again, and again after approval
    const pending = await grant(meta, BOB, {
      ticket: t,
      claim_token: bobClaims,
      claim_token_format: JWT_CLAIMS_FORMAT,
    })
    expect(pending.json).toEqual({ error: 'access_denied', error_description: 'request_submitted' })
    server.decide('alice', server.pendingRequests('alice')[0]?.id ?? '', 'approve')
    const granted = await grant(meta, BOB, {
      ticket: t,
      claim_token: bobClaims,
      claim_token_format: JWT_CLAIMS_FORMAT,
    })
    expect(granted.json).toMatchObject({ upgraded: false })
    expect(granted.json.pct).toBeUndefined()
    expect(
      (
        await grant(meta, BOB, {
          ticket: await ticketFor(meta, token, id, ['view']),
          rpt: 'forged',
        })
      ).json.error,
    ).toBe('invalid_rpt')
    const rptIntrospection = await post(meta.introspection_endpoint ?? '', RS, {
      token: String(granted.json.access_token),
      token_type_hint: 'requesting_party_token',
    })
    expect(rptIntrospection.json).toMatchObject({
      active: true,
      permissions: [{ rsid: id, rsname: 'photo.jpg', scopes: ['print'], resource_id: id }],
    })
    const accessToken = await post(meta.introspection_endpoint ?? '', RS, {
      token: String(granted.json.access_token),
    })
    expect(accessToken.json).toMatchObject({
      active: true,
      authorization: { permissions: [{ rsid: id, scopes: ['print'] }] },
    })
    expect(
      (
        await post(meta.introspection_endpoint ?? '', RS, {
          token: 'x',
          token_type_hint: 'refresh_token',
        })
      ).status,
    ).toBe(400)
  })
})

describe('introspection', () => {
  it('takes client authentication or a PAT, and calls unknown tokens inactive', async () => {
    const { meta, token } = await setUp()
    expect(
      (await post(meta.introspection_endpoint ?? '', `Bearer ${token}`, { token: 'unknown' })).json,
    ).toEqual({ active: false })
    expect(
      (await post(meta.introspection_endpoint ?? '', RS, { token: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }))
        .json,
    ).toEqual({ active: false })
    expect(
      (await post(meta.introspection_endpoint ?? '', 'Bearer nope', { token: 'unknown' })).status,
    ).toBe(401)
  })
})

describe('claims interaction endpoint', () => {
  it('gathers a claim in a form and redirects back with a new ticket and the state', async () => {
    const { meta, token, id } = await setUp()
    const ticket = await ticketFor(meta, token, id, ['print'])
    const query = new URLSearchParams({
      client_id: 'bob-app',
      ticket,
      claims_redirect_uri: 'http://127.0.0.1/claims-callback',
      state: 'st8',
    })
    const page = await fetch(`${meta.claims_interaction_endpoint}?${query.toString()}`)
    expect(await page.text()).toContain('name="claim.email"')
    const back = await fetch(meta.claims_interaction_endpoint ?? '', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...Object.fromEntries(query),
        'claim.email': 'bob@example.com',
      }).toString(),
    })
    expect(back.status).toBe(302)
    const location = new URL(back.headers.get('location') ?? '')
    expect(location.origin + location.pathname).toBe('http://127.0.0.1/claims-callback')
    expect(location.searchParams.get('state')).toBe('st8')
    const next = location.searchParams.get('ticket') ?? ''
    expect(next).not.toBe(ticket)
    // the claim travels with the new ticket: next comes the owner's approval
    expect((await grant(meta, BOB, { ticket: next })).json.error).toBe('request_submitted')
  })

  it('shows an error page, never a redirect, for an unregistered claims_redirect_uri', async () => {
    const { meta } = await setUp()
    const query = new URLSearchParams({
      client_id: 'bob-app',
      ticket: 't',
      claims_redirect_uri: 'https://evil.example/cb',
      state: 's',
    })
    const res = await fetch(`${meta.claims_interaction_endpoint}?${query.toString()}`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
  })

  it('redirects with error=invalid_grant for an unknown ticket', async () => {
    const { meta } = await setUp()
    const query = new URLSearchParams({
      client_id: 'bob-app',
      ticket: 'nope',
      claims_redirect_uri: 'http://127.0.0.1/claims-callback',
      state: 's',
    })
    const res = await fetch(`${meta.claims_interaction_endpoint}?${query.toString()}`, {
      redirect: 'manual',
    })
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'invalid_grant',
    )
  })
})

describe('owner endpoint', () => {
  it('needs the owner credentials and a valid decision', async () => {
    const { issuer, server } = await setUp()
    const url = `${new URL(issuer).origin}${server.paths.ownerRequests}`
    expect((await fetch(url)).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: basic('alice', 'wrong') } })).status).toBe(
      401,
    )
    const alice = basic('alice', 'alice-dev-password')
    expect(await (await fetch(url, { headers: { authorization: alice } })).json()).toEqual([])
    const bad = await fetch(`${url}/x`, {
      method: 'POST',
      headers: { authorization: alice, 'content-type': 'application/json' },
      body: '{"decision":"maybe"}',
    })
    expect(bad.status).toBe(400)
    const unknown = await fetch(`${url}/x`, {
      method: 'POST',
      headers: { authorization: alice, 'content-type': 'application/json' },
      body: '{"decision":"approve"}',
    })
    expect(unknown.status).toBe(404)
  })
})

describe('lifecycle', () => {
  it('stops and restarts on the same port with its state', async () => {
    const as = await createDevServer({ config: await loadConfig(PHOTOS_CONFIG_URL) })
    const issuer = await as.listen(0) // http://127.0.0.1:<port>
    await as.close() // the state stays: as.listen(port) restarts on it
    const discovery = `${issuer}/.well-known/uma2-configuration`
    await expect(fetch(discovery)).rejects.toThrow()
    await as.listen(Number(new URL(issuer).port))
    try {
      expect((await fetch(discovery)).status).toBe(200)
    } finally {
      await as.close()
    }
  })
})

describe('configuration', () => {
  it.each([
    [null, 'config must be an object'],
    [{ owners: {}, clients: { a: {} }, policies: {} }, 'config.clients.a.secret'],
    [
      { owners: {}, clients: {}, policies: { p: { owner: 'nobody', scopes: {} } } },
      'config.policies.p.owner',
    ],
    [
      {
        owners: { o: { password: 'x' } },
        clients: {},
        policies: { p: { owner: 'o', scopes: { view: { ghost: {} } } } },
      },
      'config.policies.p.scopes.view.ghost',
    ],
  ])('names the first mistake', (value, message) => {
    expect(() => checkConfig(value)).toThrow(message)
  })
})
