/**
 * One resource server, two authorization servers (issue 10): Alice's photos protected by her AS,
 * Dave's by his, over real HTTP against two development ASes, in both wire shapes and both
 * validation modes. A request's resource is decided only by the AS that protects it.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseUmaChallenge } from '@uma-kit/core'
import { startTestServer, type TestServer } from '@uma-kit/dev-server/testing'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

type Shape = 'spec' | 'keycloak'

async function startAs(shape: Shape, owner: string): Promise<TestServer> {
  return startTestServer({
    shape,
    ...(shape === 'keycloak' ? { realm: `${owner}-photos` } : {}),
    clients: {
      'photo-rs': { secret: `rs-secret-${owner}`, resourceServerFor: owner },
      'bob-app': { secret: 'bob-secret' },
    },
    policies: { 'photo.jpg': { owner, scopes: { view: { 'bob-app': {} } } } },
    resources: [{ name: 'photo.jpg', resource_scopes: ['view', 'print'] }],
  })
}

describe.each<Shape>(['spec', 'keycloak'])('two ASes behind one RS (%s shape)', (shape) => {
  let alice: TestServer
  let dave: TestServer
  let http: Server
  let base: string
  const errors: unknown[] = []
  const servers: ResourceServer[] = []

  beforeAll(async () => {
    ;[alice, dave] = await Promise.all([startAs(shape, 'alice'), startAs(shape, 'dave')])
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
    errors.length = 0
    await Promise.all(servers.splice(0).map((rs) => rs.close()))
  })

  const aliceId = () => alice.resourceIds.get('photo.jpg') ?? ''
  const daveId = () => dave.resourceIds.get('photo.jpg') ?? ''

  /** The RS: /alice/:id protected by Alice's AS, /dave/:id by Dave's, as issuerFor says. */
  function startRs(rptValidation: 'introspect' | 'jwt'): ResourceServer {
    const owners = new Map([
      [aliceId(), alice.issuer],
      [daveId(), dave.issuer],
    ])
    const rs = createResourceServer({
      authorizationServers: [alice, dave].map((as) => ({
        ...as.resourceServerOptions(),
        ...(rptValidation === 'jwt' ? { rptValidation, audience: 'photo-rs' } : {}),
      })),
      issuerFor: (resourceId) => owners.get(resourceId) ?? 'https://nobody.example',
      resourceMetadata: { resource: base, resource_name: 'Photos' },
      timeoutMs: 1000,
    })
    servers.push(rs)
    const app = express()
    const path = rs.protectedResourceMetadataPath ?? '/none'
    app.get(path, rs.protectedResourceMetadata)
    app.get(
      '/photos/:id',
      rs.requireUmaScope('view', { resource: (req) => String(req.params.id) }),
      (req, res) => {
        res.json({ id: req.params.id, issuer: req.uma?.issuer })
      },
    )
    app.use(
      (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        errors.push(err)
        res.status(500).end()
      },
    )
    http.on('request', app)
    return rs
  }

  const get = (id: string, rpt?: string) =>
    fetch(`${base}/photos/${encodeURIComponent(id)}`, {
      headers: rpt === undefined ? {} : { authorization: `Bearer ${rpt}` },
    })

  it('challenges each resource with the AS that protects it, and names the RFC 9728 document', async () => {
    startRs('introspect')
    for (const [id, as] of [
      [aliceId(), alice],
      [daveId(), dave],
    ] as const) {
      const res = await get(id)
      expect(res.status).toBe(401)
      const header = res.headers.get('www-authenticate') ?? ''
      expect(parseUmaChallenge(header)?.asUri).toBe(as.issuer)
      expect(header).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource"`)
    }
  })

  it.each(['introspect', 'jwt'] as const)(
    'lets an RPT count only at the AS that issued it, even for an equal resource id (%s)',
    async (mode) => {
      startRs(mode)
      const fromDave = await dave.mintRpt({
        permissions: [{ resource_id: daveId(), resource_scopes: ['view'] }],
      })
      expect((await get(daveId(), fromDave)).status).toBe(200)
      // Alice's AS vouching for Dave's resource id must not open Dave's photo
      const forged = await alice.mintRpt({
        permissions: [
          { resource_id: daveId(), resource_scopes: ['view'] },
          { resource_id: aliceId(), resource_scopes: ['view'] },
        ],
      })
      const refused = await get(daveId(), forged)
      expect(refused.status).toBe(401)
      expect(parseUmaChallenge(refused.headers.get('www-authenticate'))?.asUri).toBe(dave.issuer)
      // and it opens Alice's, which her AS protects
      const own = await get(aliceId(), forged)
      expect(own.status).toBe(200)
      expect(await own.json()).toMatchObject({ issuer: alice.issuer })
    },
  )

  it('hands an issuer that is not configured to next(err) as unknown_issuer, with no challenge', async () => {
    startRs('introspect')
    const res = await get('someone-elses-photo')
    expect(res.status).toBe(500)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(errors[0]).toMatchObject({ name: 'UmaError', code: 'unknown_issuer' })
  })

  it('serves the RFC 9728 document with every configured issuer, and one added while running', async () => {
    const rs = startRs('introspect')
    const doc = await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json()
    expect(doc).toEqual({
      resource: base,
      resource_name: 'Photos',
      authorization_servers: [alice.issuer, dave.issuer],
      scopes_supported: ['view'],
      bearer_methods_supported: ['header'],
    })
    const third = await startAs(shape, 'erin')
    try {
      rs.addAuthorizationServer(third.resourceServerOptions())
      const again = (await (
        await fetch(`${base}/.well-known/oauth-protected-resource`)
      ).json()) as {
        authorization_servers: string[]
      }
      expect(again.authorization_servers).toEqual([alice.issuer, dave.issuer, third.issuer])
      expect(await rs.forIssuer(third.issuer).resources.list()).toHaveLength(1)
      expect(rs.removeAuthorizationServer(third.issuer)).toBe(true)
      expect(() => rs.forIssuer(third.issuer)).toThrow(TypeError)
    } finally {
      await third.close()
    }
  })

  it('keeps each AS apart: its own Protection API, and one AS down affects only its resources', async () => {
    const rs = startRs('introspect')
    expect(await rs.forIssuer(alice.issuer).resources.list()).toEqual([aliceId()])
    expect(await rs.forIssuer(dave.issuer).resources.list()).toEqual([daveId()])
    expect(() => rs.resources).not.toThrow()
    await expect(rs.resources.list()).rejects.toThrow(/forIssuer/)
    const fromAlice = await alice.mintRpt({
      permissions: [{ resource_id: aliceId(), resource_scopes: ['view'] }],
    })
    const fake = createResourceServer({
      authorizationServers: [
        alice.resourceServerOptions(),
        // an AS that is not there: connection refused on a closed port
        {
          ...dave.resourceServerOptions(),
          issuer: 'http://127.0.0.1:9/realms/gone',
          metadata: undefined,
        },
      ],
      issuerFor: (id) => (id === aliceId() ? alice.issuer : 'http://127.0.0.1:9/realms/gone'),
      timeoutMs: 500,
    })
    servers.push(fake)
    expect(
      await fake.authorize({ authorization: null, resourceId: 'x', scopes: ['view'] }),
    ).toMatchObject({
      allowed: false,
      status: 403,
      headers: { warning: '199 - "UMA Authorization Server Unreachable"' },
    })
    expect(
      await fake.authorize({
        authorization: `Bearer ${fromAlice}`,
        resourceId: aliceId(),
        scopes: ['view'],
      }),
    ).toMatchObject({ allowed: true, issuer: alice.issuer })
  })
})
