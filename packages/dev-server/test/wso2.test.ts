import { afterEach, describe, expect, it } from 'vitest'
import { createDevServer, loadConfig, PHOTOS_CONFIG_URL, type DevServer } from '../src/index.js'
import { BOB, CAROL, RS, UMA_GRANT, callJson, clientToken, idToken, postForm } from './helpers.js'

let as: DevServer | undefined
afterEach(async () => {
  await as?.close()
  as = undefined
})

const bobIdToken = idToken({ sub: 'bob', email: 'bob@example.com', iss: 'https://idp.example' })

async function wso2() {
  as = await createDevServer({ config: await loadConfig(PHOTOS_CONFIG_URL), shape: 'wso2' })
  const issuer = await as.listen(0)
  const meta = as.metadata
  const pat = `Bearer ${await clientToken(meta.token_endpoint, RS)}`
  return { server: as, issuer, meta, pat }
}

async function withPhoto() {
  const setUp = await wso2()
  const created = await callJson('POST', setUp.meta.resource_registration_endpoint, setUp.pat, {
    name: 'photo.jpg',
    resource_scopes: ['view', 'print'],
  })
  const id = String(created.json._id)
  const ticketFor = async (scopes: string[]) =>
    String(
      (
        await callJson('POST', setUp.meta.permission_endpoint, setUp.pat, [
          { resource_id: id, resource_scopes: scopes },
        ])
      ).json.ticket,
    )
  const grant = (auth: string, params: Record<string, string>) =>
    postForm(setUp.meta.token_endpoint, auth, { grant_type: UMA_GRANT, ...params })
  return { ...setUp, id, ticketFor, grant }
}

describe('the WSO2 shape', () => {
  it('has no discovery document; its issuer is its token endpoint, as WSO2’s iss', async () => {
    const { issuer, meta, server } = await wso2()
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/token$/)
    expect(meta).toEqual({
      issuer,
      token_endpoint: issuer,
      introspection_endpoint: issuer.replace(/token$/, 'introspect'),
      resource_registration_endpoint: expect.stringMatching(
        /\/api\/identity\/oauth2\/uma\/resourceregistration\/v1\.0\/resource$/,
      ) as unknown,
      permission_endpoint: expect.stringMatching(
        /\/api\/identity\/oauth2\/uma\/permission\/v1\.0\/permission$/,
      ) as unknown,
    })
    const origin = new URL(issuer).origin
    for (const path of [
      '/.well-known/uma2-configuration',
      '/oauth2/token/.well-known/uma2-configuration',
    ]) {
      expect((await fetch(`${origin}${path}`)).status).toBe(404)
    }
    expect(server.paths.discovery).toBeUndefined()
  })

  it('registers resources: 201 {_id} with Location, read, list, update 201, delete 204', async () => {
    const { meta, pat } = await wso2()
    const url = meta.resource_registration_endpoint
    const created = await callJson('POST', url, pat, {
      name: 'photo.jpg',
      resource_scopes: ['view'],
    })
    const id = String(created.json._id)
    expect(created.status).toBe(201)
    expect(created.json).toEqual({ _id: expect.stringMatching(/^[\da-f-]{36}$/) as unknown })
    expect(created.headers.get('location')).toBe(`${url}/${id}`)
    expect((await callJson('GET', `${url}/${id}`, pat)).json).toMatchObject({
      _id: id,
      name: 'photo.jpg',
      resource_scopes: ['view'],
    })
    expect((await callJson('GET', url, pat)).body).toEqual([id])
    const updated = await callJson('PUT', `${url}/${id}`, pat, {
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    expect([updated.status, updated.json]).toEqual([201, { _id: id }])
    expect((await callJson('DELETE', `${url}/${id}`, pat)).status).toBe(204)
  })

  it('answers resource errors as {code, description}', async () => {
    const { meta, pat } = await wso2()
    const url = meta.resource_registration_endpoint
    const missing = await callJson('GET', `${url}/nope`, pat)
    expect([missing.status, missing.json.code]).toEqual([404, 'not_found'])
    const bad = await callJson('POST', url, pat, { name: 'x' })
    expect([bad.status, bad.json.code, typeof bad.json.description]).toEqual([
      400,
      'invalid_request',
      'string',
    ])
    await callJson('POST', url, pat, { name: 'x', resource_scopes: ['view'] })
    expect(
      (await callJson('POST', url, pat, { name: 'x', resource_scopes: ['view'] })).json.code,
    ).toBe('conflict')
    const noPat = await callJson('GET', url, 'Bearer nope')
    expect([noPat.status, noPat.json]).toEqual([
      401,
      { code: 'Unauthorized', description: 'Unauthorized User.' },
    ])
  })

  it('takes permission requests as an array only, with camelCase errors', async () => {
    const { meta, pat, id } = await withPhoto()
    const ok = await callJson('POST', meta.permission_endpoint, pat, [
      { resource_id: id, resource_scopes: ['view'] },
    ])
    expect([ok.status, ok.json]).toEqual([
      201,
      { ticket: expect.stringMatching(/^[\da-f-]{36}$/) as unknown },
    ])
    const object = await callJson('POST', meta.permission_endpoint, pat, {
      resource_id: id,
      resource_scopes: ['view'],
    })
    expect([object.status, object.json.error]).toEqual([400, 'invalid_request'])
    const unknown = await callJson('POST', meta.permission_endpoint, pat, [
      { resource_id: 'nope', resource_scopes: ['view'] },
    ])
    expect(unknown.json).toEqual({
      error: 'invalid_resource_id',
      errorDescription: expect.any(String) as unknown,
    })
    const scope = await callJson('POST', meta.permission_endpoint, pat, [
      { resource_id: id, resource_scopes: ['delete'] },
    ])
    expect(scope.json.error).toBe('invalid_scope')
    expect((await callJson('POST', meta.permission_endpoint, 'Bearer x', [])).status).toBe(401)
  })

  it('grants an opaque RPT and a refresh token for a ticket and an ID token; no pct, no upgraded', async () => {
    const { ticketFor, grant, meta, pat, id } = await withPhoto()
    const granted = await grant(BOB, { ticket: await ticketFor(['view']), claim_token: bobIdToken })
    expect(granted.status).toBe(200)
    expect(granted.json).toEqual({
      access_token: expect.not.stringMatching(/^eyJ/) as unknown,
      refresh_token: expect.any(String) as unknown,
      token_type: 'Bearer',
      expires_in: 300,
    })
    const introspected = await postForm(meta.introspection_endpoint, pat, {
      token: String(granted.json.access_token),
    })
    expect(introspected.json).toMatchObject({
      active: true,
      username: 'bob',
      client_id: 'bob-app',
      permissions: [{ resource_id: id, resource_scopes: ['view'] }],
    })
    // WSO2's introspection takes a bearer token, not the RS's client credentials
    expect((await postForm(meta.introspection_endpoint, RS, { token: 'x' })).status).toBe(401)
    const refreshed = await postForm(meta.token_endpoint, BOB, {
      grant_type: 'refresh_token',
      refresh_token: String(granted.json.refresh_token),
    })
    expect(refreshed.json.access_token).not.toBe(granted.json.access_token)
    const reused = await postForm(meta.token_endpoint, BOB, {
      grant_type: 'refresh_token',
      refresh_token: String(granted.json.refresh_token),
    })
    expect(reused.json.error).toBe('invalid_grant')
  })

  it('refuses every failure with 400 invalid_grant and the error_response header', async () => {
    const { ticketFor, grant } = await withPhoto()
    const failures = [
      await grant(BOB, { ticket: await ticketFor(['view']) }),
      await grant(BOB, { ticket: await ticketFor(['view']), claim_token: 'not-a-jwt' }),
      await grant(BOB, { ticket: 'nope', claim_token: bobIdToken }),
      await grant(CAROL, { ticket: await ticketFor(['view']), claim_token: bobIdToken }),
      await grant(BOB, { ticket: await ticketFor(['print']), claim_token: bobIdToken }),
    ]
    for (const failure of failures) {
      expect([failure.status, failure.json.error]).toEqual([400, 'invalid_grant'])
      expect(failure.headers.get('error_response')).toBe(
        'Failed validation for the permission ticket for the given user.',
      )
      expect(failure.json).not.toHaveProperty('ticket')
    }
    const ticket = await ticketFor(['view'])
    expect((await grant(BOB, { ticket, claim_token: bobIdToken })).status).toBe(200)
    expect((await grant(BOB, { ticket, claim_token: bobIdToken })).status).toBe(400)
  })
})
