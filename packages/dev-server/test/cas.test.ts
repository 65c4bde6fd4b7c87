import { afterEach, describe, expect, it } from 'vitest'
import { createDevServer, loadConfig, PHOTOS_CONFIG_URL, type DevServer } from '../src/index.js'
import { BOB, CAROL, RS, UMA_GRANT, callJson, clientToken, postForm } from './helpers.js'

let as: DevServer | undefined
afterEach(async () => {
  await as?.close()
  as = undefined
})

async function cas() {
  as = await createDevServer({ config: await loadConfig(PHOTOS_CONFIG_URL), shape: 'cas' })
  const issuer = await as.listen(0)
  const meta = as.metadata
  const pat = `Bearer ${await clientToken(meta.token_endpoint, RS)}`
  return { server: as, issuer, meta, pat }
}

async function withPhoto() {
  const setUp = await cas()
  const created = await callJson('POST', setUp.meta.resource_registration_endpoint, setUp.pat, {
    name: 'photo.jpg',
    resource_scopes: ['view', 'print'],
  })
  const id = created.json.resourceId as number
  const ticketFor = async (scopes: string[]) =>
    String(
      (
        await callJson('POST', setUp.meta.permission_endpoint, setUp.pat, {
          resource_id: id,
          resource_scopes: scopes,
        })
      ).json.ticket,
    )
  const aat = async (auth: string) =>
    `Bearer ${await clientToken(setUp.meta.token_endpoint, auth, 'uma_authorization')}`
  const rptRequest = (auth: string, body: Record<string, string>) =>
    callJson('POST', setUp.meta.rpt_endpoint ?? '', auth, { grant_type: UMA_GRANT, ...body })
  return { ...setUp, id, ticketFor, aat, rptRequest }
}

describe('the CAS shape: discovery and tokens', () => {
  it('publishes a UMA 1.0 uma-configuration under /cas/oauth2.0, and no uma2-configuration', async () => {
    const { issuer } = await cas()
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cas\/oauth2\.0$/)
    const doc = await callJson('GET', `${issuer}/.well-known/uma-configuration`, undefined)
    expect(doc.json).toMatchObject({
      version: '1.0',
      issuer,
      token_endpoint: `${issuer}/token`,
      resource_set_registration_endpoint: `${issuer}/resourceSet`,
      permission_registration_endpoint: `${issuer}/permission`,
      rpt_endpoint: `${issuer}/rptAuthzRequest`,
      requesting_party_claims_endpoint: `${issuer}/rqpClaims`,
      introspection_endpoint: `${issuer}/introspect`,
    })
    expect(doc.json).not.toHaveProperty('jwks_uri')
    expect((await fetch(`${issuer}/.well-known/uma2-configuration`)).status).toBe(404)
    expect((await fetch(`${issuer}/umaJwks`)).status).toBe(200)
  })

  it('gives PATs at /token and /accessToken, and AATs (uma_authorization) to any client', async () => {
    const { issuer } = await cas()
    expect(await clientToken(`${issuer}/accessToken`, RS)).toMatch(/^[\w-]{32}$/)
    expect(await clientToken(`${issuer}/token`, BOB, 'uma_authorization')).toMatch(/^[\w-]{32}$/)
    const refused = await postForm(`${issuer}/token`, BOB, {
      grant_type: 'client_credentials',
      scope: 'uma_protection',
    })
    expect(refused.json.error).toBe('unauthorized_client')
    // the uma-ticket grant is not taken at CAS's token endpoint
    const grant = await postForm(`${issuer}/token`, BOB, { grant_type: UMA_GRANT, ticket: 't' })
    expect(grant.json.error).toBe('unsupported_grant_type')
  })
})

describe('the CAS shape: resource sets', () => {
  it('numbers resources and answers 200 with CAS’s entity, code, resourceId and location', async () => {
    const { meta, pat } = await cas()
    const url = meta.resource_registration_endpoint
    const created = await callJson('POST', url, pat, {
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
      icon_uri: 'https://icons.example/photo.png',
      uri: 'https://photos.example/photo.jpg',
    })
    expect(created.status).toBe(200)
    expect(created.json).toEqual({
      entity: {
        id: 1,
        name: 'photo.jpg',
        uri: 'https://photos.example/photo.jpg',
        type: null,
        scopes: ['view', 'print'],
        iconUri: 'https://icons.example/photo.png',
        owner: 'alice',
        clientId: 'photo-rs',
        policies: [],
      },
      code: 'CREATED',
      resourceId: 1,
      location: `${url}/1`,
    })
    const second = await callJson('POST', url, pat, { name: 'album', resource_scopes: ['view'] })
    expect(second.json.resourceId).toBe(2)
    expect((await callJson('GET', url, pat)).body).toEqual([1, 2])
    const read = await callJson('GET', `${url}/1`, pat)
    expect(read.json).toMatchObject({ code: 'FOUND', entity: { id: 1, scopes: ['view', 'print'] } })
    const deleted = await callJson('DELETE', `${url}/2`, pat)
    expect([deleted.status, deleted.json]).toEqual([200, { code: 'NO_CONTENT', resourceId: 2 }])
  })

  it('updates only with the id in the body (_id, or CAS 7’s id), and refuses without it', async () => {
    const { meta, pat } = await cas()
    const url = meta.resource_registration_endpoint
    await callJson('POST', url, pat, { name: 'photo.jpg', resource_scopes: ['view'] })
    const without = await callJson('PUT', `${url}/1`, pat, {
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    expect([without.status, without.json]).toEqual([
      400,
      { code: [404], message: ['Provided resource-set body is missing required fields'] },
    ])
    expect(without.headers.get('code')).toBe('404')
    for (const body of [{ _id: 1 }, { id: '1' }]) {
      const updated = await callJson('PUT', `${url}/1`, pat, {
        ...body,
        name: 'photo.jpg',
        resource_scopes: ['view', 'print'],
      })
      expect(updated.json).toMatchObject({ resourceId: 1, entity: { scopes: ['view', 'print'] } })
    }
    expect(
      (await callJson('PUT', `${url}/1`, pat, { _id: 2, name: 'x', resource_scopes: ['v'] }))
        .status,
    ).toBe(400)
  })

  it('wants Content-Type: application/json on GET and DELETE too, a PAT, and a known id', async () => {
    const { meta, pat } = await cas()
    const url = meta.resource_registration_endpoint
    expect((await callJson('GET', url, pat, undefined, null)).status).toBe(415)
    expect((await callJson('DELETE', `${url}/1`, pat, undefined, null)).status).toBe(415)
    const noPat = await callJson('GET', url, undefined)
    expect([noPat.status, noPat.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer error="invalid_token", scope="uma_protection"',
    ])
    expect((await callJson('GET', `${url}/9`, pat)).json).toEqual({
      code: [404],
      message: ['Requested resource-set cannot be found'],
    })
  })
})

describe('the CAS shape: permission tickets', () => {
  it('takes one object with a numeric resource_id, and answers 200 with ticket and code', async () => {
    const { meta, pat, id } = await withPhoto()
    const one = await callJson('POST', meta.permission_endpoint, pat, {
      resource_id: id,
      resource_scopes: ['view'],
    })
    expect(one.status).toBe(200)
    expect(one.json).toEqual({ ticket: expect.any(String) as unknown, code: 'CREATED' })
    const array = await callJson('POST', meta.permission_endpoint, pat, [
      { resource_id: id, resource_scopes: ['view'] },
    ])
    expect([array.status, array.text]).toEqual([
      400,
      'Unable to complete the permission registration request.',
    ])
    const unknown = await callJson('POST', meta.permission_endpoint, pat, {
      resource_id: 99,
      resource_scopes: ['view'],
    })
    expect(unknown.json).toEqual({
      code: [404],
      message: ['Requested resource-set cannot be found'],
    })
  })
})

describe('the CAS shape: rptAuthzRequest', () => {
  it('answers 200 {rpt, code} to a JSON request with an AAT; the ticket stays usable', async () => {
    const { server, ticketFor, aat, rptRequest, meta, id } = await withPhoto()
    const bob = await aat(BOB)
    const ticket = await ticketFor(['view'])
    const granted = await rptRequest(bob, { ticket })
    expect(granted.status).toBe(200)
    expect(granted.json).toEqual({ rpt: expect.stringMatching(/^eyJ/) as unknown, code: 'CREATED' })
    expect((await rptRequest(bob, { ticket })).status).toBe(200)
    // the RS decides with the introspection's permissions (real CAS gives none: see the README)
    const introspected = await postForm(meta.introspection_endpoint, RS, {
      token: String(granted.json.rpt),
    })
    expect(introspected.json).toMatchObject({
      active: true,
      permissions: [{ resource_id: String(id), resource_scopes: ['view'] }],
    })
    expect(server.state.tickets.size).toBe(1)
  })

  it('asks for claims with a 308 need_info, UMA 1.0 style, with the same ticket', async () => {
    const { server, ticketFor, aat, rptRequest, meta } = await withPhoto()
    const bob = await aat(BOB)
    const ticket = await ticketFor(['print'])
    const needInfo = await rptRequest(bob, { ticket })
    expect(needInfo.status).toBe(308)
    expect(needInfo.json).toEqual({
      error: 'need_info',
      error_details: {
        requesting_party_claims: {
          required_claims: ['email'],
          required_scopes: [],
          redirect_user: true,
          ticket,
        },
      },
    })
    // pushed claims stay on the ticket; Alice's approval is missing, which CAS also calls need_info
    const email = Buffer.from(JSON.stringify({ email: 'bob@example.com' })).toString('base64url')
    const waiting = await rptRequest(bob, {
      ticket,
      claim_token: email,
      claim_token_format: 'urn:ietf:params:oauth:token-type:jwt',
    })
    expect(waiting.json).toMatchObject({
      error_details: {
        requesting_party_claims: { required_claims: [], required_scopes: ['print'] },
      },
    })
    server.decide('alice', server.pendingRequests('alice')[0]?.id ?? '', 'approve')
    const view = await rptRequest(bob, { ticket: await ticketFor(['view']) })
    const rpt = String(view.json.rpt)
    const printed = await rptRequest(bob, { ticket, rpt })
    expect(printed.json.code).toBe('CREATED')
    // the RPT passed along is deleted, not merged into the new one
    expect((await postForm(meta.introspection_endpoint, RS, { token: rpt })).json).toEqual({
      active: false,
    })
    const fresh = await postForm(meta.introspection_endpoint, RS, {
      token: String(printed.json.rpt),
    })
    expect(fresh.json.permissions).toEqual([
      expect.objectContaining({ resource_scopes: ['print'] }),
    ])
  })

  it('answers a denial with need_info too (CAS has no request_denied), naming the scope', async () => {
    const { ticketFor, aat, rptRequest } = await withPhoto()
    const refused = await rptRequest(await aat(CAROL), { ticket: await ticketFor(['view']) })
    expect(refused.status).toBe(308)
    expect(refused.json).toMatchObject({
      error_details: { requesting_party_claims: { required_scopes: ['view'] } },
    })
  })

  it('refuses without an AAT, a form body, a wrong grant type, no ticket, an unknown ticket', async () => {
    const { ticketFor, aat, rptRequest, meta } = await withPhoto()
    const ticket = await ticketFor(['view'])
    expect(
      (
        await rptRequest(await clientToken(meta.token_endpoint, RS).then((t) => `Bearer ${t}`), {
          ticket,
        })
      ).status,
    ).toBe(401)
    const bob = await aat(BOB)
    const form = await postForm(meta.rpt_endpoint ?? '', bob, { grant_type: UMA_GRANT, ticket })
    expect([form.status, form.text]).toEqual([400, 'Unable to handle authorization request'])
    expect((await rptRequest(bob, { ticket, grant_type: 'client_credentials' })).text).toMatch(
      /need grant type/,
    )
    expect((await rptRequest(bob, {})).text).toMatch(/ticket parameter is missing/)
    expect((await rptRequest(bob, { ticket: 'nope' })).status).toBe(400)
  })
})

describe('the CAS shape: rqpClaims', () => {
  it('gathers claims onto the same ticket and returns with authorization_state=claims_submitted', async () => {
    const { ticketFor, aat, rptRequest, meta, server } = await withPhoto()
    const ticket = await ticketFor(['print'])
    const query = new URLSearchParams({
      client_id: 'bob-app',
      redirect_uri: 'http://127.0.0.1/claims-callback',
      ticket,
      state: 's1',
    })
    const endpoint = meta.claims_interaction_endpoint ?? ''
    expect(await (await fetch(`${endpoint}?${query.toString()}`)).text()).toContain('claim.email')
    const back = await fetch(endpoint, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(query), 'claim.email': 'bob@example.com' }),
    })
    const location = new URL(back.headers.get('location') ?? '')
    expect(Object.fromEntries(location.searchParams)).toEqual({
      authorization_state: 'claims_submitted',
      state: 's1',
    })
    const next = await rptRequest(await aat(BOB), { ticket })
    expect(next.json).toMatchObject({
      error_details: { requesting_party_claims: { required_scopes: ['print'] } },
    })
    expect(server.pendingRequests('alice')).toHaveLength(1)
    const evil = new URLSearchParams({
      ...Object.fromEntries(query),
      redirect_uri: 'https://evil.example/',
    })
    const page = await fetch(`${endpoint}?${evil.toString()}`, { redirect: 'manual' })
    expect([page.status, page.headers.get('location')]).toEqual([400, null])
  })
})
