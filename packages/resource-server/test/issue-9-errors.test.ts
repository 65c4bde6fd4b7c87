/**
 * Issue 9, resource server, items 4, 5, 6, 9 and 10: what reaches Express, where credentials
 * may go, what errors keep, how long a decision may take, and the factory's silent fallbacks.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import express from 'express'
import { HttpResponse, http } from 'msw'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResourceServer } from '../src/index.js'
import { mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, type FakeAs } from './support/fake-as.js'
import { useFakeResourceServers } from './support/fake-rs.js'

const fake = useFakeResourceServers({ timeoutMs: 500 })
const { msw, rs } = fake
let as: FakeAs
beforeEach(() => {
  as = fake.as()
})

/** An app with Express's own final handler, NODE_ENV unset: what a user gets by default. */
async function withDefaultHandler(
  server: ResourceServer,
  resource: string,
  scope = 'view',
): Promise<{ status: number; body: string; headers: Headers }> {
  const app = express()
  app.get('/r', server.requireUmaScope(scope, { resource }), (_req, res) => res.json({ ok: true }))
  const previous = process.env.NODE_ENV
  delete process.env.NODE_ENV
  const listening = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  try {
    const { port } = listening.address() as AddressInfo
    const response = await fetch(`http://127.0.0.1:${port}/r`)
    return { status: response.status, body: await response.text(), headers: response.headers }
  } finally {
    if (previous !== undefined) process.env.NODE_ENV = previous
    listening.closeAllConnections()
    await new Promise((resolve) => listening.close(resolve))
  }
}

/** What a guarded route passes to `next(err)` for one request, through an app's error handler. */
async function errorsPassedOn(server: ResourceServer): Promise<unknown[]> {
  const errors: unknown[] = []
  const app = express()
  app.get('/r', server.requireUmaScope('view', { resource: 'photo-1' }), (_req, res) => res.end())
  app.use(
    (err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err)
      res.status(500).end()
    },
  )
  const listening = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = listening.address() as AddressInfo
  await fetch(`http://127.0.0.1:${port}/r`)
  listening.closeAllConnections()
  await new Promise((resolve) => listening.close(resolve))
  return errors
}
describe("4. the AS's status never reaches the client", () => {
  it.each([
    ['a wrong RS secret (PAT refused, 401)', { clientSecret: 'wrong' }, 'photo-1', 'view'],
    ['a misspelled route scope (400 invalid_scope)', {}, 'photo-1', 'veiw'],
    ['a stale resource id (400 invalid_resource_id)', {}, 'gone-7', 'view'],
  ])(
    'answers 500 with no stack and nothing of the AS for %s',
    async (_name, overrides, resource, scope) => {
      if (scope === 'veiw') {
        msw.use(
          http.post(as.endpoints.permission, () =>
            HttpResponse.json(
              { error: 'invalid_scope', error_description: 'veiw' },
              { status: 400 },
            ),
          ),
        )
      }
      const answer = await withDefaultHandler(rs(overrides), resource, scope)
      expect(answer.status).toBe(500)
      expect(answer.headers.get('www-authenticate')).toBeNull()
      expect(answer.body).not.toMatch(/\n\s+at /)
      expect(answer.body).not.toMatch(/\.ts:|\.js:|node_modules/)
      expect(answer.body).not.toContain(as.issuer)
    },
  )

  it('keeps the AS status for logs as asStatus, with status 500 on what next(err) gets', async () => {
    const errors = await errorsPassedOn(rs({ clientSecret: 'wrong' }))
    expect(errors[0]).toMatchObject({
      name: 'UmaError',
      code: 'unauthorized',
      status: 500,
      asStatus: 401,
    })
    expect((errors[0] as Error).stack).toBe((errors[0] as Error).stack?.split('\n')[0])
  })

  it('wraps a non-UmaError (a pat() that throws) into an UmaError for next(err), saying nothing of it', async () => {
    const server = rs({
      clientSecret: undefined,
      pat: () => {
        throw new RangeError('the vault at https://vault.internal is sealed')
      },
    })
    const answer = await withDefaultHandler(server, 'photo-1')
    expect(answer.status).toBe(500)
    expect(answer.body).toContain('internal_error')
    expect(answer.body).not.toContain('vault')
  })

  it('shows the detailed message in the server log (util.inspect), not in the answer', async () => {
    const errors = await errorsPassedOn(rs({ clientSecret: 'wrong' }))
    expect(inspect(errors[0])).toContain('"photo-rs" was refused by https://as.example/token')
  })
})

describe('5. credentials go only to https or loopback', () => {
  it.each(['http://as.example', 'http://10.1.2.3/realms/x'])(
    'refuses the issuer %s at the factory',
    (issuer) => {
      expect(() => rs({ issuer })).toThrow(TypeError)
    },
  )

  it('refuses hand-set http endpoints at the factory', () => {
    expect(() =>
      rs({
        metadata: {
          token_endpoint: 'http://as.example/token',
          permission_endpoint: 'https://as.example/p',
        },
      }),
    ).toThrow(/https/)
  })

  it('sends nothing to an http endpoint that discovery names, and reports insecure_endpoint', async () => {
    let sent = 0
    msw.use(
      http.get(`${as.issuer}/.well-known/uma2-configuration`, () =>
        HttpResponse.json({
          issuer: as.issuer,
          token_endpoint: 'http://as.example/token',
          permission_endpoint: `${as.issuer}/perm`,
          introspection_endpoint: 'http://as.example/introspect',
        }),
      ),
      http.post('http://as.example/*', () => {
        sent += 1
        return HttpResponse.json({ active: true })
      }),
    )
    await expect(
      rs().authorize({ authorization: 'Bearer rpt', resourceId: 'photo-1', scopes: ['view'] }),
    ).rejects.toMatchObject({ code: 'insecure_endpoint' })
    expect(sent).toBe(0)
  })
})

describe('6. echoed credentials are scrubbed from everything kept', () => {
  it.each([
    ['a 32-character PAT', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'],
    ['a 36-character PAT', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'],
  ])(
    'keeps %s echoed by the AS out of the error, its JSON, its cause and inspect()',
    async (_n, pat) => {
      const server = rs({ clientSecret: undefined, pat: () => pat })
      msw.use(
        http.post(as.endpoints.permission, () =>
          HttpResponse.json(
            {
              error: 'invalid_resource_id',
              error_description: `unknown resource for token ${pat}`,
              echo: pat,
            },
            { status: 400 },
          ),
        ),
      )
      const err = await server
        .requestTicket({ resource_id: 'x', resource_scopes: [] })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'invalid_resource_id' })
      for (const shown of [
        String(err),
        JSON.stringify(err),
        inspect(err, { depth: 10 }),
        JSON.stringify((err as Error).cause),
      ]) {
        expect(shown).not.toContain(pat)
      }
    },
  )

  it("keeps the client secret's Basic form out of a refused PAT's error", async () => {
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')
    msw.use(
      http.post(as.endpoints.token, ({ request }) =>
        HttpResponse.json(
          {
            error: 'invalid_client',
            error_description: `bad ${request.headers.get('authorization') ?? ''} ${basic}`,
          },
          { status: 401 },
        ),
      ),
    )
    const err = await rs()
      .requestTicket({ resource_id: 'photo-1', resource_scopes: [] })
      .catch((e: unknown) => e)
    expect(inspect(err, { depth: 10 })).not.toContain(basic)
    expect(inspect(err, { depth: 10 })).not.toContain(CLIENT_SECRET)
    expect((err as Error).message).toContain(`"${CLIENT_ID}"`)
  })
})

describe('9. one deadline per decision', () => {
  it('sends nothing past three call bounds: a PAT renewal that would start later is not sent', async () => {
    // every call takes 400 ms of a 500 ms bound, on a clock that the AS moves on
    let clock = 1_000_000_000_000
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => clock)
    const seen: string[] = []
    const slow: typeof fetch = async (input, init) => {
      seen.push(new URL(input instanceof Request ? input.url : input.toString()).pathname)
      clock += 400
      return mswFetch(input, init)
    }
    // the permission endpoint refuses every PAT: without a deadline, the RS renews it and retries
    msw.use(
      http.post(as.endpoints.permission, () =>
        HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
      ),
    )
    try {
      const server = rs({ fetch: slow, timeoutMs: 500 })
      const decision = await server.authorize({
        authorization: 'Bearer x',
        resourceId: 'photo-1',
        scopes: ['view'],
      })
      expect(decision).toMatchObject({ allowed: false, status: 403 })
      if (!decision.allowed) expect(decision.error?.message).toContain('deadline')
      expect(seen.filter((path) => path === '/token')).toHaveLength(1)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('10. no silent fallbacks', () => {
  it('refuses a resource server with neither clientSecret, clientAuth nor pat', () => {
    expect(() => rs({ clientSecret: undefined })).toThrow(/clientSecret, clientAuth or pat/)
  })

  it('tells a pat() whose PAT was refused to give a new one, and reuses a good one', async () => {
    const calls: boolean[] = []
    let next = 0
    as.pats.add('good-pat')
    const server = rs({
      clientSecret: undefined,
      pat: ({ forceRefresh }) => {
        calls.push(forceRefresh)
        next += 1
        return next === 1 ? 'stale-pat' : 'good-pat'
      },
    })
    for (let i = 0; i < 3; i++)
      await server.requestTicket({ resource_id: 'photo-1', resource_scopes: [] })
    expect(calls).toEqual([false, true])
  })

  it.each([0, 10])(
    'does not fetch a PAT with expires_in %i on every decision',
    async (expiresIn) => {
      msw.use(
        http.post(as.endpoints.token, () => {
          as.calls.pat += 1
          as.pats.add('short')
          return HttpResponse.json({
            access_token: 'short',
            token_type: 'Bearer',
            expires_in: expiresIn,
          })
        }),
      )
      const server = rs()
      for (let i = 0; i < 5; i++)
        await server.requestTicket({ resource_id: 'photo-1', resource_scopes: [] })
      expect(as.calls.pat).toBe(1)
    },
  )
})
