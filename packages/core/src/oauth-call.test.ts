import { HttpResponse, delay, http } from 'msw'
import { setupServer } from 'msw/node'
import { ClientSecretPost, clientCredentialsGrant, genericGrantRequest } from 'openid-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { callOAuthEndpoint, resolveClientAuth, type OAuthClientSettings } from './oauth-call.js'
import { UMA_TICKET_GRANT, type UmaServerMetadata } from './types.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const TOKEN = 'https://as.example/token'
const metadata: UmaServerMetadata = { issuer: 'https://as.example', token_endpoint: TOKEN }
const client: OAuthClientSettings = {
  clientId: 'rs',
  clientAuth: resolveClientAuth('s3cret', undefined),
  timeoutMs: 500,
}

describe('resolveClientAuth', () => {
  it('authenticates with client_secret_basic when given a secret', async () => {
    let authorization: string | null = null
    server.use(
      http.post(TOKEN, ({ request }) => {
        authorization = request.headers.get('authorization')
        return HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' })
      }),
    )
    await callOAuthEndpoint(metadata, client, 'PAT request', (c) => clientCredentialsGrant(c))
    expect(authorization).toBe(`Basic ${Buffer.from('rs:s3cret').toString('base64')}`)
  })

  it('sends only client_id when there is no secret (a public client)', async () => {
    let form: URLSearchParams | undefined
    let authorization: string | null = 'unset'
    server.use(
      http.post(TOKEN, async ({ request }) => {
        authorization = request.headers.get('authorization')
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'rpt', token_type: 'Bearer' })
      }),
    )
    const none = { ...client, clientAuth: resolveClientAuth(undefined, undefined) }
    await callOAuthEndpoint(metadata, none, 'token request', (c) =>
      genericGrantRequest(c, UMA_TICKET_GRANT, { ticket: 't1' }),
    )
    expect(authorization).toBeNull()
    expect(form?.get('client_id')).toBe('rs')
    expect(form?.get('ticket')).toBe('t1')
  })

  it('takes any openid-client ClientAuth before the secret', async () => {
    let form: URLSearchParams | undefined
    server.use(
      http.post(TOKEN, async ({ request }) => {
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' })
      }),
    )
    const post = { ...client, clientAuth: resolveClientAuth('ignored', ClientSecretPost('p0st')) }
    await callOAuthEndpoint(metadata, post, 'PAT request', (c) => clientCredentialsGrant(c))
    expect(form?.get('client_secret')).toBe('p0st')
  })

  it.each([
    ['an empty secret', '', undefined],
    ['a numeric secret', 42, undefined],
    ['a clientAuth object', undefined, {}],
  ])('throws a TypeError for %s, without echoing it', (_label, secret, auth) => {
    expect(() => resolveClientAuth(secret, auth)).toThrow(TypeError)
    expect(() => resolveClientAuth(secret, auth)).not.toThrow(/42/)
  })
})

describe('callOAuthEndpoint', () => {
  it("accepts a 201 token response (SolidLab's PAT) and keeps the real status", async () => {
    server.use(
      http.post(TOKEN, () =>
        HttpResponse.json({ access_token: 'pat', token_type: 'bearer' }, { status: 201 }),
      ),
    )
    const result = await callOAuthEndpoint(metadata, client, 'PAT request', (c) =>
      clientCredentialsGrant(c, { scope: 'uma_protection' }),
    )
    expect(result.value?.access_token).toBe('pat')
    expect(result.response?.status).toBe(201)
  })

  it('returns an OAuth error answer with openid-client rejection and the body', async () => {
    server.use(
      http.post(TOKEN, () =>
        HttpResponse.json(
          { error: 'need_info', ticket: 't2', required_claims: [{ name: 'email' }] },
          { status: 403 },
        ),
      ),
    )
    const result = await callOAuthEndpoint(metadata, client, 'token request', (c) =>
      genericGrantRequest(c, UMA_TICKET_GRANT, { ticket: 't1' }),
    )
    expect(result.value).toBeUndefined()
    expect(result.rejection).toBeInstanceOf(Error)
    expect(result.response).toMatchObject({ status: 403, json: { ticket: 't2' } })
  })

  it("returns CAS's 308 need_info as received, without following it", async () => {
    server.use(
      http.post(
        TOKEN,
        () =>
          new HttpResponse(JSON.stringify({ error: 'need_info' }), {
            status: 308,
            headers: { 'content-type': 'application/json', location: 'https://elsewhere.example/' },
          }),
      ),
    )
    const result = await callOAuthEndpoint(metadata, client, 'token request', (c) =>
      genericGrantRequest(c, UMA_TICKET_GRANT, { ticket: 't1' }),
    )
    expect(result.rejection).toBeDefined()
    expect(result.response).toMatchObject({ status: 308, json: { error: 'need_info' } })
  })

  it("returns a 2xx that openid-client refuses (CAS's rpt member) for the caller to read", async () => {
    server.use(http.post(TOKEN, () => HttpResponse.json({ rpt: 'r1', code: 'CREATED' })))
    const result = await callOAuthEndpoint(metadata, client, 'token request', (c) =>
      genericGrantRequest(c, UMA_TICKET_GRANT, { ticket: 't1' }),
    )
    expect(result.rejection).toBeDefined()
    expect(result.response).toMatchObject({ status: 200, json: { rpt: 'r1' } })
  })

  it('keeps each concurrent call apart', async () => {
    server.use(
      http.post(TOKEN, async ({ request }) => {
        const ticket = new URLSearchParams(await request.text()).get('ticket') ?? ''
        await delay(ticket === 'slow' ? 30 : 0)
        return HttpResponse.json({ error: 'invalid_grant', echo: ticket }, { status: 400 })
      }),
    )
    const call = (ticket: string) =>
      callOAuthEndpoint(metadata, client, 'token request', (c) =>
        genericGrantRequest(c, UMA_TICKET_GRANT, { ticket }),
      )
    const [slow, fast] = await Promise.all([call('slow'), call('fast')])
    expect(slow.response?.json).toMatchObject({ echo: 'slow' })
    expect(fast.response?.json).toMatchObject({ echo: 'fast' })
  })

  it('rejects with as_unreachable when the AS does not answer in time', async () => {
    server.use(http.post(TOKEN, () => delay('infinite')))
    await expect(
      callOAuthEndpoint(metadata, client, 'PAT request', (c) => clientCredentialsGrant(c)),
    ).rejects.toMatchObject({ name: 'UmaError', code: 'as_unreachable' })
  })

  it('rejects with as_unreachable on a network error, with no secret in the message', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.error()))
    const failure = await callOAuthEndpoint(metadata, client, 'PAT request', (c) =>
      clientCredentialsGrant(c),
    ).catch((err: unknown) => err)
    expect(failure).toMatchObject({ code: 'as_unreachable' })
    expect((failure as Error).message).not.toContain('s3cret')
  })

  it('rejects with invalid_response for a body over the bound', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.text('x'.repeat(5000))))
    await expect(
      callOAuthEndpoint(metadata, { ...client, maxBodyBytes: 1000 }, 'PAT request', (c) =>
        clientCredentialsGrant(c),
      ),
    ).rejects.toMatchObject({ code: 'invalid_response' })
  })

  it('calls plain-http endpoints (loopback development servers)', async () => {
    const local = { issuer: 'http://127.0.0.1:9', token_endpoint: 'http://127.0.0.1:9/token' }
    server.use(
      http.post(local.token_endpoint, () =>
        HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' }),
      ),
    )
    const result = await callOAuthEndpoint(local, client, 'PAT request', (c) =>
      clientCredentialsGrant(c),
    )
    expect(result.value?.access_token).toBe('pat')
  })
})
