import { HttpResponse, delay, http } from 'msw'
import { setupServer } from 'msw/node'
import { ClientSecretPost } from 'openid-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  bearerClientAuth,
  callOAuthEndpoint,
  noClientAuth,
  resolveClientAuth,
  type ClientAuth,
  type OAuthClientSettings,
  type OAuthRequest,
} from './oauth-call.js'
import { UMA_TICKET_GRANT, type UmaServerMetadata } from './types.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const TOKEN = 'https://as.example/token'
const INTROSPECT = 'https://as.example/introspect'
const metadata: UmaServerMetadata = {
  issuer: 'https://as.example',
  token_endpoint: TOKEN,
  introspection_endpoint: INTROSPECT,
}
const basic = resolveClientAuth('s3cret', undefined)
if (basic === undefined) throw new Error('a secret gives client_secret_basic')
const client: OAuthClientSettings = { clientId: 'rs', clientAuth: basic, timeoutMs: 500 }
const pat: OAuthRequest = {
  kind: 'grant',
  grantType: 'client_credentials',
  parameters: { scope: 'uma_protection' },
}
const uma = (ticket: string): OAuthRequest => ({
  kind: 'grant',
  grantType: UMA_TICKET_GRANT,
  parameters: { ticket },
})

describe('resolveClientAuth', () => {
  it('authenticates with client_secret_basic when given a secret', async () => {
    let authorization: string | null = null
    server.use(
      http.post(TOKEN, ({ request }) => {
        authorization = request.headers.get('authorization')
        return HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' })
      }),
    )
    await callOAuthEndpoint(metadata, client, 'PAT request', pat)
    expect(authorization).toBe(`Basic ${Buffer.from('rs:s3cret').toString('base64')}`)
  })

  it('gives undefined with neither a secret nor a clientAuth, for the package to decide', () => {
    expect(resolveClientAuth(undefined, undefined)).toBeUndefined()
  })

  it("takes any openid-client ClientAuth (openid-client's are oauth4webapi's) before the secret", async () => {
    let form: URLSearchParams | undefined
    server.use(
      http.post(TOKEN, async ({ request }) => {
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' })
      }),
    )
    const auth = resolveClientAuth('ignored', ClientSecretPost('p0st'))
    if (auth === undefined) throw new Error('unreachable')
    await callOAuthEndpoint(metadata, { ...client, clientAuth: auth }, 'PAT request', pat)
    expect(form?.get('client_secret')).toBe('p0st')
    expect(form?.get('client_id')).toBe('rs')
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
  it('posts the grant as a form with grant_type, and returns a 201 with its status', async () => {
    let form: URLSearchParams | undefined
    server.use(
      http.post(TOKEN, async ({ request }) => {
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'pat', token_type: 'bearer' }, { status: 201 })
      }),
    )
    const answer = await callOAuthEndpoint(metadata, client, 'PAT request', pat)
    expect(answer).toMatchObject({ status: 201, json: { access_token: 'pat' } })
    expect(form?.get('grant_type')).toBe('client_credentials')
    expect(form?.get('scope')).toBe('uma_protection')
  })

  it('posts introspection with the token and the extra parameters', async () => {
    let form: URLSearchParams | undefined
    server.use(
      http.post(INTROSPECT, async ({ request }) => {
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ active: false })
      }),
    )
    const answer = await callOAuthEndpoint(metadata, client, 'introspection', {
      kind: 'introspection',
      token: 'rpt-1',
      parameters: { token_type_hint: 'access_token' },
    })
    expect(answer.json).toEqual({ active: false })
    expect(form?.get('token')).toBe('rpt-1')
    expect(form?.get('token_type_hint')).toBe('access_token')
  })

  it("sends a requesting party's bearer token as the only Authorization, and no client secret", async () => {
    let authorization: string | null = null
    let form: URLSearchParams | undefined
    server.use(
      http.post(TOKEN, async ({ request }) => {
        authorization = request.headers.get('authorization')
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'rpt', token_type: 'Bearer' })
      }),
    )
    await callOAuthEndpoint(
      metadata,
      { ...client, clientAuth: bearerClientAuth('user-token') },
      'UMA grant request',
      uma('t1'),
    )
    expect(authorization).toBe('Bearer user-token')
    expect(form?.get('client_secret')).toBeNull()
  })

  it('sends only client_id for a public client', async () => {
    let authorization: string | null = 'unset'
    let form: URLSearchParams | undefined
    server.use(
      http.post(TOKEN, async ({ request }) => {
        authorization = request.headers.get('authorization')
        form = new URLSearchParams(await request.text())
        return HttpResponse.json({ access_token: 'rpt', token_type: 'Bearer' })
      }),
    )
    await callOAuthEndpoint(metadata, { ...client, clientAuth: noClientAuth() }, 'grant', uma('t1'))
    expect(authorization).toBeNull()
    expect(form?.get('client_id')).toBe('rs')
    expect(form?.get('ticket')).toBe('t1')
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
    const answer = await callOAuthEndpoint(metadata, client, 'token request', uma('t1'))
    expect(answer).toMatchObject({ status: 308, json: { error: 'need_info' } })
  })

  it('keeps each concurrent call apart', async () => {
    server.use(
      http.post(TOKEN, async ({ request }) => {
        const ticket = new URLSearchParams(await request.text()).get('ticket') ?? ''
        await delay(ticket === 'slow' ? 30 : 0)
        return HttpResponse.json({ error: 'invalid_grant', echo: ticket }, { status: 400 })
      }),
    )
    const call = (ticket: string) => callOAuthEndpoint(metadata, client, 'grant', uma(ticket))
    const [slow, fast] = await Promise.all([call('slow'), call('fast')])
    expect(slow.json).toMatchObject({ echo: 'slow' })
    expect(fast.json).toMatchObject({ echo: 'fast' })
  })

  it('scrubs the Basic credentials and the ticket it sent from what the answer echoes', async () => {
    const basicValue = Buffer.from('rs:s3cret').toString('base64')
    server.use(
      http.post(TOKEN, () =>
        HttpResponse.json(
          { error: 'x', error_description: `got ${basicValue} and s3cret for ticket-123` },
          { status: 400 },
        ),
      ),
    )
    const answer = await callOAuthEndpoint(metadata, client, 'grant', uma('ticket-123'))
    const shown = answer.redact((answer.json as { error_description: string }).error_description)
    expect(shown).toBe('got [redacted] and [redacted] for [redacted]')
  })

  it('rejects with as_unreachable when the AS does not answer in time', async () => {
    server.use(http.post(TOKEN, () => delay('infinite')))
    await expect(callOAuthEndpoint(metadata, client, 'PAT request', pat)).rejects.toMatchObject({
      name: 'UmaError',
      code: 'as_unreachable',
    })
  })

  it('rejects with as_unreachable on a network error, with no secret in the message', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.error()))
    const failure = await callOAuthEndpoint(metadata, client, 'PAT request', pat).catch(
      (err: unknown) => err,
    )
    expect(failure).toMatchObject({ code: 'as_unreachable' })
    expect((failure as Error).message).not.toContain('s3cret')
  })

  it('rejects with invalid_response for a body over the bound', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.text('x'.repeat(5000))))
    await expect(
      callOAuthEndpoint(metadata, { ...client, maxBodyBytes: 1000 }, 'PAT request', pat),
    ).rejects.toMatchObject({ code: 'invalid_response' })
  })

  it('calls plain-http endpoints on loopback (development servers)', async () => {
    const local = { issuer: 'http://127.0.0.1:9', token_endpoint: 'http://127.0.0.1:9/token' }
    server.use(
      http.post(local.token_endpoint, () =>
        HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' }),
      ),
    )
    const answer = await callOAuthEndpoint(local, client, 'PAT request', pat)
    expect(answer.json).toMatchObject({ access_token: 'pat' })
  })

  it.each(['http://as.example/token', 'http://10.0.0.5/token', 'http://127.0.0.1.nip.io/token'])(
    'refuses %s with insecure_endpoint and sends nothing',
    async (endpoint) => {
      let calls = 0
      server.use(
        http.post(endpoint, () => {
          calls++
          return HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' })
        }),
      )
      const insecure = { issuer: 'https://as.example', token_endpoint: endpoint }
      await expect(callOAuthEndpoint(insecure, client, 'PAT request', pat)).rejects.toMatchObject({
        code: 'insecure_endpoint',
      })
      expect(calls).toBe(0)
    },
  )

  it("passes the caller's abort through as it is, not as a client authentication failure", async () => {
    server.use(http.post(TOKEN, () => delay('infinite')))
    const controller = new AbortController()
    const reason = new Error('the caller gave up')
    setTimeout(() => controller.abort(reason), 20)
    await expect(
      callOAuthEndpoint(
        metadata,
        { ...client, timeoutMs: 5000, signal: controller.signal },
        'grant',
        pat,
      ),
    ).rejects.toBe(reason)
  })

  it('rejects with discovery_failed when the endpoint is missing', async () => {
    await expect(
      callOAuthEndpoint({ issuer: 'https://as.example', token_endpoint: TOKEN }, client, 'x', {
        kind: 'introspection',
        token: 't',
        parameters: {},
      }),
    ).rejects.toMatchObject({ code: 'discovery_failed' })
  })

  it('rejects with invalid_client when the client authentication cannot be applied', async () => {
    // a key store that fails, as a PrivateKeyJwt with a revoked hardware key would
    const broken: ClientAuth = () => {
      throw new Error('the signing key is unavailable')
    }
    await expect(
      callOAuthEndpoint(metadata, { ...client, clientAuth: broken }, 'PAT request', pat),
    ).rejects.toMatchObject({ name: 'UmaError', code: 'invalid_client' })
  })
})
