// The README of @uma-kit/dev-server copies this file, from its first import on: a guarded route
// tested without a real authorization server, as a user writes it in their own suite.
import type { AddressInfo } from 'node:net'
import { createUmaFetch } from '@uma-kit/client'
import { startTestServer, type TestServer } from '@uma-kit/dev-server/testing'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'

let as: TestServer
let rs: ResourceServer
let api: ReturnType<express.Express['listen']>
let url: string

beforeAll(async () => {
  as = await startTestServer({
    // who may do what, by resource name: test-client may read report.pdf
    policies: { 'report.pdf': { owner: 'owner', scopes: { read: { 'test-client': {} } } } },
    resources: [{ name: 'report.pdf', resource_scopes: ['read', 'write'] }],
  })
  rs = createResourceServer(as.resourceServerOptions()) // test-rs, its secret, the issuer
  const reportId = as.resourceIds.get('report.pdf') ?? ''
  const app = express()
  app.get('/reports/1', rs.requireUmaScope('read', { resource: () => reportId }), (_req, res) => {
    res.json({ title: 'Report 1' })
  })
  api = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => api.once('listening', resolve))
  url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/reports/1`
})

afterAll(async () => {
  api.close()
  await rs.close()
  await as.close()
})

it('lets in an RPT that holds read on the report', async () => {
  const rpt = await as.mintRpt({
    permissions: [
      { resource_id: as.resourceIds.get('report.pdf') ?? '', resource_scopes: ['read'] },
    ],
    expiresIn: 60,
  })
  const res = await fetch(url, { headers: { authorization: `Bearer ${rpt}` } })
  expect(res.status).toBe(200)
})

it('challenges a request without an RPT, or with an RPT for another scope', async () => {
  const rpt = await as.mintRpt({
    permissions: [
      { resource_id: as.resourceIds.get('report.pdf') ?? '', resource_scopes: ['write'] },
    ],
  })
  for (const headers of [{}, { authorization: `Bearer ${rpt}` }]) {
    const res = await fetch(url, { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^UMA /)
  }
})

it('gives a client the whole UMA flow, as the policies in code say', async () => {
  const umaFetch = createUmaFetch(as.clientOptions()) // test-client, its secret, the issuer
  const res = await umaFetch(url)
  expect(res.status).toBe(200)
})
