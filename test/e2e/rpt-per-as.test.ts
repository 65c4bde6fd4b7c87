/**
 * One AS's RPT never reaches another AS (found by the two-AS demo): the client sends no RPT to a
 * resource whose AS it does not know yet when the RS lists several ASes, the RS never hands a
 * token another configured AS vouched for to the AS of the resource asked for, and a client
 * registered differently at each AS never sends one AS's secret to another.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUmaFetch } from '@uma-kit/client'
import { startTestServer, type TestServer } from '@uma-kit/dev-server/testing'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

const start = (owner: string, photo: string, bobSecret: string) =>
  startTestServer({
    clients: {
      'photo-rs': { secret: `rs-${owner}`, resourceServerFor: owner },
      'bob-app': { secret: bobSecret },
    },
    policies: { [photo]: { owner, scopes: { view: { 'bob-app': {} } } } },
    resources: [{ name: photo, resource_scopes: ['view'] }],
  })

describe('an RPT stays with the AS that issued it', () => {
  let alice: TestServer
  let dave: TestServer
  let http: Server
  let base: string
  let rs: ResourceServer | undefined
  /** Every token and client secret each AS received, as the AS's own operator would see them. */
  const seen = new Map<string, string[]>()
  /** What the RS received: path and Authorization. */
  const received: [string, string][] = []

  beforeAll(async () => {
    ;[alice, dave] = await Promise.all([
      start('alice', 'a.jpg', 'bob-secret-at-alice'),
      start('dave', 'd.jpg', 'bob-secret-at-dave'),
    ])
    http = createServer()
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
    await Promise.all([alice.close(), dave.close()])
  })
  afterEach(async () => {
    http.removeAllListeners('request')
    seen.clear()
    received.length = 0
    await rs?.close()
  })

  /** A fetch that notes, per AS origin, the tokens and Authorization values sent there. */
  const watching: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    const list = seen.get(url.origin) ?? []
    const body = typeof init?.body === 'string' ? init.body : ''
    list.push(
      new URLSearchParams(body).get('token') ?? '',
      new Headers(init?.headers).get('authorization') ?? '',
    )
    seen.set(url.origin, list)
    return fetch(input, init)
  }

  function startRs(): void {
    const ids = new Map([
      ['a.jpg', [alice.resourceIds.get('a.jpg') ?? '', alice.issuer]],
      ['d.jpg', [dave.resourceIds.get('d.jpg') ?? '', dave.issuer]],
    ])
    rs = createResourceServer({
      authorizationServers: [
        alice.resourceServerOptions('photo-rs'),
        dave.resourceServerOptions('photo-rs'),
      ],
      issuerFor: (id) => [...ids.values()].find(([rid]) => rid === id)?.[1] ?? '',
      resourceMetadata: { resource: base },
      fetch: watching,
    })
    const server = rs
    const app = express()
    app.use((req, _res, next) => {
      received.push([req.path, req.headers.authorization ?? ''])
      next()
    })
    app.get(server.protectedResourceMetadataPath ?? '/', server.protectedResourceMetadata)
    app.get(
      '/p/:id',
      server.requireUmaScope('view', {
        resource: (req) => ids.get(String(req.params.id))?.[0] ?? '',
      }),
      (_req, res) => res.send('ok'),
    )
    http.on('request', app)
  }

  const daveSaw = () => seen.get(new URL(dave.issuer).origin) ?? []

  it("sends Alice's RPT nowhere near Dave's AS, and so Dave's AS cannot replay it", async () => {
    startRs()
    const bob = createUmaFetch({
      trustedIssuers: [alice.issuer, dave.issuer],
      clientId: 'bob-app',
      clients: {
        [alice.issuer]: { clientId: 'bob-app', clientSecret: 'bob-secret-at-alice' },
        [dave.issuer]: { clientId: 'bob-app', clientSecret: 'bob-secret-at-dave' },
      },
      fetch: watching,
    })
    expect((await bob(`${base}/p/a.jpg`)).status).toBe(200)
    const aliceRpts = (seen.get(new URL(alice.issuer).origin) ?? []).filter((t) =>
      t.startsWith('eyJ'),
    )
    seen.clear()
    expect((await bob(`${base}/p/d.jpg`)).status).toBe(200)
    const atDave = daveSaw().join('\n')
    for (const rpt of aliceRpts) expect(atDave).not.toContain(rpt)
    // the client did not even send it with the first request for Dave's photo: the RS's
    // metadata lists two ASes, and which one protects d.jpg was not known yet
    const firstForDave = received.find(([path]) => path === '/p/d.jpg')
    expect(firstForDave?.[1]).toBe('')
    // and Bob's secret at Alice's AS never went to Dave's
    const basicAtAlice = Buffer.from('bob-app:bob-secret-at-alice').toString('base64')
    expect(atDave).not.toContain(basicAtAlice)
  })

  it("uses the client README's registrations: each AS its own secret", async () => {
    startRs()
    process.env.ALICE_AS = alice.issuer
    process.env.DAVE_AS = dave.issuer
    process.env.SECRET_AT_ALICE = 'bob-secret-at-alice'
    process.env.SECRET_AT_DAVE = 'bob-secret-at-dave'
    const { umaFetch } = await import('./client-readme/registrations.js')
    expect((await umaFetch(`${base}/p/a.jpg`)).status).toBe(200)
    expect((await umaFetch(`${base}/p/d.jpg`)).status).toBe(200)
  })

  it("never introspects at Dave's AS a token Alice's AS vouched for, whoever sends it there", async () => {
    startRs()
    const rpt = await alice.mintRpt({
      permissions: [
        { resource_id: alice.resourceIds.get('a.jpg') ?? '', resource_scopes: ['view'] },
      ],
    })
    const headers = { authorization: `Bearer ${rpt}` }
    expect((await fetch(`${base}/p/a.jpg`, { headers })).status).toBe(200)
    const challenged = await fetch(`${base}/p/d.jpg`, { headers })
    expect(challenged.status).toBe(401)
    expect(daveSaw().join('\n')).not.toContain(rpt)
  })

  it("never hands Dave's AS a JWT that names Alice's AS as its issuer, even one not seen before", async () => {
    startRs()
    const rpt = await alice.mintRpt({
      permissions: [
        { resource_id: dave.resourceIds.get('d.jpg') ?? '', resource_scopes: ['view'] },
      ],
    })
    const res = await fetch(`${base}/p/d.jpg`, { headers: { authorization: `Bearer ${rpt}` } })
    expect(res.status).toBe(401)
    expect(daveSaw().join('\n')).not.toContain(rpt)
  })
})
