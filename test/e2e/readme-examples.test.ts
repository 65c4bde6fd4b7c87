/**
 * The code of the READMEs, run against the development AS: each README block marked
 * `<!-- tested: test/e2e/readme-examples.test.ts -->` is copied from here.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUmaClient, createUmaFetch, isUmaError, umaInterceptor } from '@uma-kit/client'
import {
  JWT_CLAIMS_FORMAT,
  PHOTOS_CONFIG_URL,
  createDevServer,
  loadConfig,
  type DevServer,
} from '@uma-kit/dev-server'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const photo = Buffer.from('not really a jpeg')
let as: DevServer
let issuer: string
const closers: (() => Promise<void>)[] = []

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  const config = await loadConfig(PHOTOS_CONFIG_URL)
  as = await createDevServer({ config: { ...config, pollIntervalSeconds: 0.1 } })
  issuer = await as.listen(0)
  process.env.RS_SECRET = config.clients['photo-rs']?.secret
  process.env.CLIENT_SECRET = config.clients['bob-app']?.secret
})
afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await as.close()
})

async function startExpressRs(): Promise<{ rsUrl: string; rs: ResourceServer }> {
  // README: resource server
  const rs = createResourceServer({
    issuer,
    clientId: 'photo-rs',
    clientSecret: process.env.RS_SECRET,
  })
  const photoId = await rs.resources.ensure({
    name: 'photo.jpg',
    resource_scopes: ['view', 'print'],
  })

  const app = express()
  app.get('/photos/:id', rs.requireUmaScope('view', { resource: () => photoId }), (_req, res) => {
    // req.uma holds the resource id, scopes and permissions the RPT was checked for
    res.type('image/jpeg').send(photo)
  })
  // README end
  closers.push(() => rs.close())
  return { rsUrl: await listen(app.listen(0, '127.0.0.1')), rs }
}

describe('README examples', () => {
  it('an Express RS and a client that answers its challenges', async () => {
    const { rsUrl } = await startExpressRs()
    // README: client
    const umaFetch = createUmaFetch({
      trustedIssuers: [issuer],
      clientId: 'bob-app',
      clientSecret: process.env.CLIENT_SECRET,
    })
    const response = await umaFetch(`${rsUrl}/photos/photo.jpg`)
    // 401 + ticket, RPT from the AS, the same request again: response.status is 200
    // README end
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer()).equals(photo)).toBe(true)
  })

  it('the same guard on plain node:http, with a decision log', async () => {
    const logged: unknown[] = []
    const logger = { info: (event: unknown, _message: string) => logged.push(event) }
    // README: node:http
    const rs = createResourceServer({
      issuer,
      clientId: 'photo-rs',
      clientSecret: process.env.RS_SECRET,
      // with pino: const logger = pino(); no token is ever in the event
      onDecision: (event) => logger.info(event, 'uma decision'),
    })
    const photoId = await rs.resources.ensure({
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })

    const server = createServer((req, res) => {
      rs.authorize({
        authorization: req.headers.authorization,
        resourceId: photoId,
        scopes: ['view'],
      }).then(
        (decision) => {
          if (!decision.allowed) res.writeHead(decision.status, decision.headers).end()
          else res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo)
        },
        () => res.writeHead(500).end(),
      )
    })
    // README end
    closers.push(() => rs.close())
    const url = await listen(server)
    const challenged = await fetch(`${url}/photos/photo.jpg`)
    expect(challenged.status).toBe(401)
    expect(challenged.headers.get('www-authenticate')).toMatch(
      /^UMA as_uri="[^"]+", ticket="[^"]+"$/,
    )
    const umaFetch = createUmaFetch({
      trustedIssuers: [issuer],
      clientId: 'bob-app',
      clientSecret: process.env.CLIENT_SECRET,
    })
    expect((await umaFetch(`${url}/photos/photo.jpg`)).status).toBe(200)
    expect(logged).toMatchObject([
      { resourceId: photoId, scopes: ['view'], outcome: 'challenged', cached: false },
      { resourceId: photoId, scopes: ['view'], outcome: 'challenged' },
      { resourceId: photoId, scopes: ['view'], outcome: 'allowed' },
    ])
    expect(JSON.stringify(logged)).not.toMatch(/eyJ/)
  })

  it('a custom denial body keeps the status and headers', async () => {
    const rs = createResourceServer({
      issuer,
      clientId: 'photo-rs',
      clientSecret: process.env.RS_SECRET,
    })
    closers.push(() => rs.close())
    const photoId = await rs.resources.ensure({
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    const app = express()
    // README: onDenied
    app.get(
      '/photos/:id',
      rs.requireUmaScope('view', {
        resource: () => photoId,
        onDenied: (_req, res, decision) => {
          // status and WWW-Authenticate (or Warning) are already set
          res.json({
            message: decision.status === 401 ? 'Ask the AS for access' : 'Try again later',
          })
        },
      }),
      (_req, res) => res.send(photo),
    )
    // README end
    const url = await listen(app.listen(0, '127.0.0.1'))
    const res = await fetch(`${url}/photos/photo.jpg`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^UMA /)
    expect(await res.json()).toEqual({ message: 'Ask the AS for access' })
  })

  it('a client that pushes claims and waits for the owner', async () => {
    const { rsUrl, rs } = await startExpressRs()
    const app = express()
    const photoId = await rs.resources.ensure({
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    app.post(
      '/photos/:id/print',
      rs.requireUmaScope('print', { resource: () => photoId }),
      (_req, res) => {
        res.status(202).end()
      },
    )
    const printUrl = await listen(app.listen(0, '127.0.0.1'))
    const alice = setInterval(() => {
      for (const pending of as.pendingRequests('alice')) as.decide('alice', pending.id, 'approve')
    }, 50)
    try {
      // README: claims
      const umaFetch = createUmaFetch({
        trustedIssuers: [issuer],
        clientId: 'bob-app',
        clientSecret: process.env.CLIENT_SECRET,
        // called before the first grant request (requiredClaims undefined) and on each need_info
        claims: ({ requiredClaims }) => {
          const asked = requiredClaims?.some((claim) => claim.name === 'email') === true
          const email = Buffer.from('{"email":"bob@example.com"}').toString('base64url')
          const format = 'urn:ietf:params:oauth:token-type:jwt'
          const pushed = { claim_token: email, claim_token_format: format }
          return Promise.resolve(asked ? pushed : undefined)
        },
        // request_submitted: poll at the AS's interval, for up to a minute
        onRequestSubmitted: { pollMaxWaitMs: 60_000 },
      })
      try {
        const printed = await umaFetch(`${printUrl}/photos/photo.jpg/print`, { method: 'POST' })
        console.log(printed.status) // 202
      } catch (err) {
        if (isUmaError(err) && err.code === 'request_denied') console.log('the owner said no')
        else throw err
      }
      // README end
      expect(
        (await umaFetch(`${printUrl}/photos/photo.jpg/print`, { method: 'POST' })).status,
      ).toBe(202)
      expect(JWT_CLAIMS_FORMAT).toBe('urn:ietf:params:oauth:token-type:jwt')
      expect(rsUrl).toMatch(/^http/)
    } finally {
      clearInterval(alice)
    }
  })

  it('the undici interceptor', async () => {
    const { rsUrl } = await startExpressRs()
    // README: interceptor
    const dispatcher = new Agent().compose(
      umaInterceptor({
        trustedIssuers: [issuer],
        clientId: 'bob-app',
        clientSecret: process.env.CLIENT_SECRET,
      }),
    )
    const { statusCode, body } = await request(`${rsUrl}/photos/photo.jpg`, { dispatcher })
    // README end
    expect(statusCode).toBe(200)
    await body.dump()
    await dispatcher.close()
  })

  it('the Protection API', async () => {
    const clientId = 'photo-rs'
    const clientSecret = process.env.RS_SECRET
    // README: protection
    const rs = createResourceServer({ issuer, clientId, clientSecret })
    const id = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view', 'print'] })
    const description = await rs.resources.read(id) // { _id, name, resource_scopes: ['view', 'print'] }
    const ids = await rs.resources.list() // every id, paged where the AS pages (Keycloak)
    const ticket = await rs.requestTicket([{ resource_id: id, resource_scopes: ['view'] }])
    // README end
    closers.push(() => rs.close())
    expect(description).toMatchObject({
      _id: id,
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    expect(ids).toContain(id)
    const client = createUmaClient({
      trustedIssuers: [issuer],
      clientId: 'bob-app',
      clientSecret: process.env.CLIENT_SECRET,
    })
    const { rpt } = await client.getRpt({ asUri: issuer, ticket })
    // README: introspect
    const introspection = await rs.introspect(rpt) // through the cache
    // { active: true, exp, permissions: [{ resource_id: id, resource_scopes: ['view'], … }], … }
    // README end
    expect(introspection).toMatchObject({
      active: true,
      permissions: [{ resource_id: id, resource_scopes: ['view'] }],
    })
  })

  it('claims gathering in a browser', async () => {
    const challenge = await fetch(`${(await startExpressRs()).rsUrl}/photos/photo.jpg`)
    const ticket =
      /ticket="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1] ?? ''
    // the print scope needs claims: ask for a ticket for it through the AS's need_info
    const client = createUmaClient({
      trustedIssuers: [issuer],
      clientId: 'bob-app',
      clientSecret: process.env.CLIENT_SECRET,
    })
    const err: unknown = await client
      .getRpt({ asUri: issuer, ticket, scope: 'print' })
      .catch((e: unknown) => e)
    if (!isUmaError(err) || err.ticket === undefined) throw new Error('expected need_info')
    const state = 'a-random-state-kept-in-the-session'
    // README: claims gathering
    // 1. need_info: send the browser to the AS
    const url = await client.claimsInteractionUrl({
      asUri: issuer,
      ticket: err.ticket,
      claimsRedirectUri: 'http://127.0.0.1/claims-callback',
      state,
      redirectUser: err.redirectUser,
    })
    // 2. the AS redirects back to claimsRedirectUri: read the new ticket, then ask again
    const callback = await fillInClaimsForm(url) // in a real app, your callback route's URL
    const { ticket: next } = client.readClaimsRedirect(callback, { state, ticket: err.ticket })
    // README end
    // the email came with the new ticket, so no need_info again: Alice's approval is what is left
    let result: unknown = await client
      .getRpt({ asUri: issuer, ticket: next })
      .catch((e: unknown) => e)
    if (isUmaError(result) && result.code === 'request_submitted' && result.ticket !== undefined) {
      for (const pending of as.pendingRequests('alice')) as.decide('alice', pending.id, 'approve')
      result = await client.getRpt({ asUri: issuer, ticket: result.ticket })
    }
    expect(result).toMatchObject({ rpt: expect.stringMatching(/^eyJ/) as unknown })
  })
})

/** Plays the user at the AS's claims form. */
async function fillInClaimsForm(url: string): Promise<string> {
  const page = new URL(url)
  const form = new URLSearchParams(page.searchParams)
  form.set('claim.email', 'bob@example.com')
  const res = await fetch(`${page.origin}${page.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  })
  return res.headers.get('location') ?? ''
}
