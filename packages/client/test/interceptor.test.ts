/**
 * `umaInterceptor` across origins and parties, over real HTTP (msw does not see undici
 * dispatchers): an RPT goes only to the origin that challenged for it, and each requesting party
 * keeps its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, fetch as undiciFetch, interceptors, request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { umaInterceptor, type UmaFetchOptions } from '../src/index.js'

interface Site {
  readonly url: string
  readonly seen: (string | undefined)[]
  readonly server: Server
}

let as: Site
let a: Site
let b: Site
const grants: URLSearchParams[] = []

async function start(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: (string | undefined)[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      seen.push(req.headers.authorization)
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }
}

/** A resource server that accepts only RPTs granted for its own tickets. */
function resourceServer(name: string) {
  let tickets = 0
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/go') {
      res.writeHead(302, { location: `${b.url}/photo` }).end()
      return
    }
    if (req.headers.authorization?.startsWith(`Bearer rpt|${name}-`) === true) {
      res.writeHead(200).end(`${name} ok`)
      return
    }
    tickets++
    res
      .writeHead(401, { 'www-authenticate': `UMA as_uri="${as.url}", ticket="${name}-${tickets}"` })
      .end()
  }
}

beforeEach(async () => {
  grants.length = 0
  as = await start((req, res, body) => {
    if (req.url === '/.well-known/uma2-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer: as.url, token_endpoint: `${as.url}/token` }))
      return
    }
    const form = new URLSearchParams(body)
    grants.push(form)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ access_token: `rpt|${form.get('ticket')}`, token_type: 'Bearer' }))
  })
  a = await start(resourceServer('a'))
  b = await start(resourceServer('b'))
})

const stop = (site: Site) =>
  new Promise<void>((resolve) => {
    site.server.closeAllConnections()
    site.server.close(() => resolve())
  })
afterEach(async () => {
  await Promise.all([as, a, b].map(stop))
})

const options = (extra: Partial<UmaFetchOptions> = {}): UmaFetchOptions => ({
  trustedIssuers: [as.url],
  clientId: 'bob-app',
  clientSecret: 'secret',
  ...extra,
})

describe('umaInterceptor: redirects', () => {
  it('with undici.fetch, answers B’s challenge for B alone after A redirects there', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(umaInterceptor(options()))
      const res = await undiciFetch(`${a.url}/go`, { dispatcher })
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('b ok')
      expect(a.seen).toEqual([undefined])
      expect(b.seen).toEqual([undefined, 'Bearer rpt|b-1'])
      const again = await undiciFetch(`${a.url}/go`, { dispatcher })
      await again.text()
      expect(a.seen).toEqual([undefined, undefined])
      expect(b.seen.at(-1)).toBe('Bearer rpt|b-1')
    } finally {
      await agent.close()
    }
  })

  it('leaves a challenge from another origin untouched where a redirect interceptor below it followed there', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(
        interceptors.redirect({ maxRedirections: 3 }),
        umaInterceptor(options()),
      )
      const res = await request(`${a.url}/go`, { dispatcher })
      expect(res.statusCode).toBe(401)
      await res.body.dump()
      expect(grants).toHaveLength(0)
      expect(a.seen).toEqual([undefined])
    } finally {
      await agent.close()
    }
  })

  it('answers it where the redirect interceptor sits above, seeing each hop', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(
        umaInterceptor(options()),
        interceptors.redirect({ maxRedirections: 3 }),
      )
      const res = await request(`${a.url}/go`, { dispatcher })
      expect(res.statusCode).toBe(200)
      expect(await res.body.text()).toBe('b ok')
      expect(a.seen).toEqual([undefined])
    } finally {
      await agent.close()
    }
  })
})

describe('umaInterceptor: parties', () => {
  it('keeps the RPTs of each requesting party token apart', async () => {
    let current = 'alice-token'
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(
        umaInterceptor(options({ requestingPartyToken: () => current })),
      )
      await (await request(`${a.url}/photo`, { dispatcher })).body.dump()
      current = 'bob-token'
      await (await request(`${a.url}/photo`, { dispatcher })).body.dump()
      expect(a.seen).toEqual([undefined, 'Bearer rpt|a-1', undefined, 'Bearer rpt|a-2'])
      expect(grants[1]?.get('rpt')).toBeNull()
      current = 'alice-token'
      await (await request(`${a.url}/photo`, { dispatcher })).body.dump()
      expect(a.seen.at(-1)).toBe('Bearer rpt|a-1')
    } finally {
      await agent.close()
    }
  })
})
