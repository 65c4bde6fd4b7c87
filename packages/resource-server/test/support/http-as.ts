/**
 * A scriptable AS on a real `node:http` server at 127.0.0.1 (port 0), for what msw cannot show:
 * the default undici transport, reset connections, bodies that stall half-way.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void

export interface HttpAs {
  readonly issuer: string
  /** Replaces the route for a path (`/introspect`). */
  route(path: string, handler: Route): void
  /** Requests received, by path. */
  readonly hits: Map<string, number>
  /** TCP connections accepted. */
  connections: number
  close(): Promise<void>
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/**
 * Starts an AS with discovery, PATs and tickets answered, and introspection from `rpts`.
 *
 * @param rpts - token → introspection answer
 * @returns the running AS
 */
export async function startHttpAs(rpts: Map<string, unknown> = new Map()): Promise<HttpAs> {
  const routes = new Map<string, Route>()
  const hits = new Map<string, number>()
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      hits.set(path, (hits.get(path) ?? 0) + 1)
      const handler = routes.get(path)
      if (handler === undefined) json(res, 404, { error: 'not_found' })
      else handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const as: HttpAs = {
    issuer,
    route: (path, handler) => routes.set(path, handler),
    hits,
    connections: 0,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  server.on('connection', () => (as.connections += 1))
  as.route('/.well-known/uma2-configuration', (_req, res) =>
    json(res, 200, {
      issuer,
      token_endpoint: `${issuer}/token`,
      introspection_endpoint: `${issuer}/introspect`,
      permission_endpoint: `${issuer}/perm`,
      resource_registration_endpoint: `${issuer}/rreg`,
    }),
  )
  as.route('/token', (_req, res) =>
    json(res, 200, { access_token: 'pat', token_type: 'Bearer', expires_in: 300 }),
  )
  let tickets = 0
  as.route('/perm', (_req, res) => json(res, 201, { ticket: `t${++tickets}` }))
  as.route('/introspect', (_req, res, body) => {
    const token = new URLSearchParams(body).get('token') ?? ''
    json(res, 200, rpts.get(token) ?? { active: false })
  })
  return as
}
