/**
 * A resource server and an authorization server on real `node:http` servers at 127.0.0.1
 * (port 0), for what crosses the wire: request bodies replayed, concurrent first calls, the
 * undici interceptor.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Seen {
  method: string
  authorization: string | undefined
  contentType: string | undefined
  custom: string | undefined
  body: Buffer
}

export interface Servers {
  readonly as: string
  readonly rs: string
  /** Requests the RS received. */
  readonly seen: Seen[]
  /** Token requests the AS received, as forms. */
  readonly tokenCalls: URLSearchParams[]
  /** Delay before the token endpoint answers. */
  tokenDelayMs: number
  close(): Promise<void>
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handler(req, res, Buffer.concat(chunks)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Starts both servers: the RS accepts the RPTs the AS granted. */
export async function startServers(): Promise<Servers> {
  const granted = new Set<string>()
  let tickets = 0
  const state = { seen: [] as Seen[], tokenCalls: [] as URLSearchParams[], tokenDelayMs: 0 }
  const as = await listen((req, res, body) => {
    const path = req.url ?? '/'
    if (path === '/.well-known/uma2-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer: asUrl, token_endpoint: `${asUrl}/token` }))
      return
    }
    if (path === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'))
      state.tokenCalls.push(form)
      const rpt = `rpt-${state.tokenCalls.length}`
      granted.add(rpt)
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        res.end(JSON.stringify({ access_token: rpt, token_type: 'Bearer', expires_in: 300 }))
      }, state.tokenDelayMs)
      return
    }
    res.writeHead(404).end()
  })
  const asUrl = as.url
  const rs = await listen((req, res, body) => {
    const authorization = req.headers.authorization
    state.seen.push({
      method: req.method ?? '',
      authorization,
      contentType: req.headers['content-type'],
      custom: req.headers['x-custom'] as string | undefined,
      body,
    })
    const rpt = authorization?.replace(/^Bearer /, '')
    if (rpt !== undefined && granted.has(rpt)) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
      return
    }
    tickets++
    res.writeHead(401, {
      'www-authenticate': `UMA realm="test", as_uri="${asUrl}", ticket="t${tickets}"`,
    })
    res.end('UMA ticket issued')
  })
  return {
    as: as.url,
    rs: rs.url,
    seen: state.seen,
    tokenCalls: state.tokenCalls,
    get tokenDelayMs() {
      return state.tokenDelayMs
    },
    set tokenDelayMs(ms: number) {
      state.tokenDelayMs = ms
    },
    async close() {
      await Promise.all([close(as.server), close(rs.server)])
    },
  }
}
