/**
 * The test-suite helpers of `@uma-kit/dev-server/testing`: resources registered up front, RPTs
 * minted for given permissions, the options of a resource server and a client in each shape.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUmaFetch } from '@uma-kit/client'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../src/testing.js'
import { postForm } from './helpers.js'

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

let as: TestServer
let rs: ResourceServer
let api: { url: string; server: Server }

beforeAll(async () => {
  as = await startTestServer({
    // who may do what, by resource name: test-client may read doc-1
    policies: { 'doc-1': { owner: 'owner', scopes: { read: { 'test-client': {} } } } },
    resources: [{ name: 'doc-1', resource_scopes: ['read', 'write'] }],
  })
  rs = createResourceServer(as.resourceServerOptions())
  const docId = as.resourceIds.get('doc-1') ?? ''
  const app = express()
  app.get('/docs/1', rs.requireUmaScope('read', { resource: () => docId }), (_req, res) => {
    res.json({ title: 'Doc 1' })
  })
  api = await listen(app)
})

afterAll(async () => {
  api.server.close()
  await rs.close()
  await as.close()
})

describe('a guarded route tested with startTestServer', () => {
  it('lets an RPT minted for the permission in, and challenges a request without one', async () => {
    const rpt = await as.mintRpt({
      permissions: [{ resource_id: as.resourceIds.get('doc-1') ?? '', resource_scopes: ['read'] }],
      expiresIn: 60,
    })
    const allowed = await fetch(`${api.url}/docs/1`, {
      headers: { authorization: `Bearer ${rpt}` },
    })
    expect(allowed.status).toBe(200)

    const challenged = await fetch(`${api.url}/docs/1`)
    expect(challenged.status).toBe(401)
    expect(challenged.headers.get('www-authenticate')).toMatch(/^UMA .*ticket="/)
  })

  it('refuses an RPT minted already expired, or for another scope', async () => {
    const id = as.resourceIds.get('doc-1') ?? ''
    for (const mint of [
      { permissions: [{ resource_id: id, resource_scopes: ['read'] }], expiresIn: -1 },
      { permissions: [{ resource_id: id, resource_scopes: ['write'] }] },
    ]) {
      const rpt = await as.mintRpt(mint)
      const res = await fetch(`${api.url}/docs/1`, { headers: { authorization: `Bearer ${rpt}` } })
      expect(res.status).toBe(401)
    }
  })

  it('gives a client the whole flow against the policies in code', async () => {
    const umaFetch = createUmaFetch(as.clientOptions())
    expect((await umaFetch(`${api.url}/docs/1`)).status).toBe(200)
    expect(as.events.map((e) => e.type)).toContain('rpt_issued')
  })
})

describe('startTestServer', () => {
  it('mints JWT RPTs that the JWKS verifies, with the permissions asked for', async () => {
    const rpt = await as.mintRpt({
      permissions: [{ resource_id: 'r1', resource_scopes: ['read'] }],
      clientId: 'someone',
      audience: ['test-rs'],
    })
    const keys = createLocalJWKSet({ keys: [as.state.publicJwk] })
    const { payload } = await jwtVerify(rpt, keys, { issuer: as.issuer, audience: 'test-rs' })
    expect(payload).toMatchObject({
      azp: 'someone',
      permissions: [{ resource_id: 'r1', resource_scopes: ['read'] }],
    })
  })

  it('gives WSO2-shaped options with metadata, and CAS-shaped ones with object permission requests', async () => {
    const wso2 = await startTestServer({ shape: 'wso2' })
    const cas = await startTestServer({ shape: 'cas' })
    try {
      expect(wso2.resourceServerOptions()).toEqual({
        issuer: wso2.issuer,
        clientId: 'test-rs',
        clientSecret: 'test-rs-secret',
        metadata: wso2.metadata,
        introspectionAuth: 'pat',
      })
      expect(wso2.clientOptions().metadata).toEqual({ [wso2.issuer]: wso2.metadata })
      expect(cas.resourceServerOptions().permissionRequestFormat).toBe('object')
      const rpt = await wso2.mintRpt({ permissions: [{ resource_id: 'r', resource_scopes: [] }] })
      const answer = await postForm(wso2.metadata.introspection_endpoint, 'Bearer nope', {
        token: rpt,
      })
      expect(answer.status).toBe(401)
    } finally {
      await wso2.close()
      await cas.close()
    }
  })

  it('names the mistake in resources, clients and policies given in code', async () => {
    await expect(
      startTestServer({
        resources: [{ name: 'x', resource_scopes: ['read'], rsClient: 'nobody' }],
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: /rsClient nobody/ })
    await expect(
      startTestServer({ policies: { x: { owner: 'o', scopes: { read: { ghost: {} } } } } }),
    ).rejects.toThrow('config.policies.x.scopes.read.ghost must be a rule for a known client')
    await expect(
      as.mintRpt({ permissions: [{ resource_id: '', resource_scopes: [] }] }),
    ).rejects.toThrow(TypeError)
    expect(() => as.resourceServerOptions('test-client')).toThrow(
      'name the resource server client: 0 match',
    )
    const two = await startTestServer({
      clients: {
        a: { secret: 'a', resourceServerFor: 'o' },
        b: { secret: 'b', resourceServerFor: 'o' },
      },
    })
    try {
      expect(() => two.resourceServerOptions()).toThrow('name the resource server client: 2 match')
      expect(two.resourceServerOptions('b').clientSecret).toBe('b')
    } finally {
      await two.close()
    }
  })
})
