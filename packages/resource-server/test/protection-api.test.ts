/**
 * The PAT and permission tickets, through the public API, against msw.
 */
import { HttpResponse, delay, http } from 'msw'
import { ClientSecretPost } from 'openid-client'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => {
  msw.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => msw.close())

function setup(overrides: Record<string, unknown> = {}) {
  const as = createFakeAs('spec')
  msw.use(...as.handlers)
  const rs = createResourceServer({
    issuer: as.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: mswFetch,
    ...overrides,
  })
  return { as, rs }
}

const PERMISSION = { resource_id: 'photo-1', resource_scopes: ['view'] }

describe('the PAT', () => {
  it('asks once more without a scope when the AS refuses uma_protection (a stock Keycloak), and keeps to that', async () => {
    const { as, rs } = setup()
    const scopes: (string | null)[] = []
    msw.use(
      http.post(as.endpoints.token, async ({ request }) => {
        const scope = new URLSearchParams(await request.text()).get('scope')
        scopes.push(scope)
        if (scope !== null) return HttpResponse.json({ error: 'invalid_scope' }, { status: 400 })
        const pat = `scopeless-${scopes.length}`
        as.pats.add(pat)
        return HttpResponse.json({ access_token: pat, token_type: 'Bearer' })
      }),
    )
    await rs.requestTicket(PERMISSION)
    // the AS forgets the PAT: the renewal asks without a scope at once
    as.pats.clear()
    await rs.requestTicket(PERMISSION)
    expect(scopes).toEqual(['uma_protection', null, null])
    await rs.close()
  })

  it('keeps a patScope the user chose, even when the AS refuses it', async () => {
    const { as, rs } = setup({ patScope: 'uma_protection' })
    let calls = 0
    msw.use(
      http.post(as.endpoints.token, () => {
        calls += 1
        return HttpResponse.json({ error: 'invalid_scope' }, { status: 400 })
      }),
    )
    await expect(rs.requestTicket(PERMISSION)).rejects.toMatchObject({ code: 'invalid_scope' })
    expect(calls).toBe(1)
    await rs.close()
  })

  it('is fetched lazily with client credentials and scope uma_protection, then reused', async () => {
    const { as, rs } = setup()
    let form: URLSearchParams | undefined
    msw.use(
      http.post(as.endpoints.token, async ({ request }) => {
        form = new URLSearchParams(await request.clone().text())
        return undefined
      }),
    )
    expect(as.calls.pat).toBe(0)
    await rs.requestTicket(PERMISSION)
    await rs.requestTicket(PERMISSION)
    expect(as.calls.pat).toBe(1)
    expect(form?.get('grant_type')).toBe('client_credentials')
    expect(form?.get('scope')).toBe('uma_protection')
    await rs.close()
  })

  it('is renewed 30 s before expires_in ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 })
    const { as, rs } = setup()
    await rs.requestTicket(PERMISSION)
    vi.setSystemTime(269_000)
    await rs.requestTicket(PERMISSION)
    expect(as.calls.pat).toBe(1)
    vi.setSystemTime(270_000)
    await rs.requestTicket(PERMISSION)
    expect(as.calls.pat).toBe(2)
    await rs.close()
  })

  it('is renewed by one call however many requests wait for it', async () => {
    const { as, rs } = setup()
    msw.use(
      http.post(as.endpoints.token, async () => {
        await delay(20)
        return undefined
      }),
    )
    await Promise.all(Array.from({ length: 25 }, () => rs.requestTicket(PERMISSION)))
    expect(as.calls.pat).toBe(1)
    await rs.close()
  })

  it.each([
    ['401', () => HttpResponse.json({ error: 'invalid_token' }, { status: 401 })],
    ['403 invalid_token', () => HttpResponse.json({ error: 'invalid_token' }, { status: 403 })],
    [
      '403 invalid_bearer_token (Keycloak 26)',
      () =>
        HttpResponse.json(
          {
            error: 'invalid_bearer_token',
            error_description: 'Could not obtain bearer access_token from request.',
          },
          { status: 403 },
        ),
    ],
    [
      '403 without an OAuth error (SolidLab)',
      () => HttpResponse.json({ message: 'Unknown PAT.' }, { status: 403 }),
    ],
  ])('is renewed once and the call retried when refused with %s', async (_label, refuse) => {
    const { as, rs } = setup()
    msw.use(http.post(as.endpoints.permission, refuse, { once: true }))
    await expect(rs.requestTicket(PERMISSION)).resolves.toMatch(/^ticket-/)
    expect(as.calls.pat).toBe(2)
    await rs.close()
  })

  it('is not renewed for a 403 that names another error (Keycloak without uma_protection)', async () => {
    const { as, rs } = setup()
    msw.use(
      http.post(as.endpoints.permission, () =>
        HttpResponse.json(
          { error: 'invalid_scope', error_description: 'Requires uma_protection scope.' },
          { status: 403 },
        ),
      ),
    )
    await expect(rs.requestTicket(PERMISSION)).rejects.toMatchObject({ code: 'invalid_scope' })
    expect(as.calls.pat).toBe(1)
    await rs.close()
  })

  it('stops after one renewal when the new PAT is refused too', async () => {
    const { as, rs } = setup()
    let tries = 0
    msw.use(
      http.post(as.endpoints.permission, () => {
        tries += 1
        return HttpResponse.json({ error: 'invalid_token' }, { status: 401 })
      }),
    )
    await expect(rs.requestTicket(PERMISSION)).rejects.toMatchObject({
      code: 'unauthorized',
      asStatus: 401,
    })
    expect(tries).toBe(2)
    await rs.close()
  })

  it('accepts a 201 token response without expires_in (SolidLab)', async () => {
    const { as, rs } = setup()
    msw.use(
      http.post(as.endpoints.token, () => {
        as.pats.add('solid-pat')
        return HttpResponse.json(
          { access_token: 'solid-pat', token_type: 'Bearer' },
          { status: 201 },
        )
      }),
    )
    await expect(rs.requestTicket(PERMISSION)).resolves.toMatch(/^ticket-/)
    await rs.close()
  })

  it('rejects with unauthorized, without the secret, when the client credentials are refused', async () => {
    const { rs } = setup({ clientSecret: 'wrong-secret-value' })
    const err = await rs.requestTicket(PERMISSION).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'UmaError', code: 'unauthorized', asStatus: 401 })
    expect(JSON.stringify(err) + String(err)).not.toContain('wrong-secret-value')
    await rs.close()
  })

  it('uses the client authentication given as clientAuth', async () => {
    const { as, rs } = setup({
      clientSecret: undefined,
      clientAuth: ClientSecretPost(CLIENT_SECRET),
    })
    let form: URLSearchParams | undefined
    msw.use(
      http.post(as.endpoints.token, async ({ request }) => {
        form = new URLSearchParams(await request.text())
        as.pats.add('post-pat')
        return HttpResponse.json({ access_token: 'post-pat', token_type: 'Bearer' })
      }),
    )
    await rs.requestTicket(PERMISSION)
    expect(form?.get('client_secret')).toBe(CLIENT_SECRET)
    await rs.close()
  })

  it('comes from the pat option when given, with no token request', async () => {
    const supplied = vi.fn(() => Promise.resolve('mine'))
    const { as, rs } = setup({ pat: supplied })
    as.pats.add('mine')
    await rs.requestTicket(PERMISSION)
    expect(supplied).toHaveBeenCalled()
    expect(as.calls.pat).toBe(0)
    await rs.close()
  })
})

describe('requestTicket', () => {
  it('sends one permission as a JSON array and returns the ticket', async () => {
    const { as, rs } = setup()
    await expect(rs.requestTicket(PERMISSION)).resolves.toBe('ticket-1')
    expect(as.ticketRequests).toEqual([[PERMISSION]])
    await rs.close()
  })

  it('sends several permissions in one request, only their spec members', async () => {
    const { as, rs } = setup()
    const second = { resource_id: 'photo-2', resource_scopes: [], claims: { x: 1 } }
    await rs.requestTicket([PERMISSION, second])
    expect(as.ticketRequests).toEqual([
      [PERMISSION, { resource_id: 'photo-2', resource_scopes: [] }],
    ])
    await rs.close()
  })

  it("sends one object with permissionRequestFormat 'object' (CAS), and refuses several", async () => {
    const { as, rs } = setup({ permissionRequestFormat: 'object' })
    await expect(rs.requestTicket([PERMISSION])).resolves.toBe('ticket-1')
    expect(as.ticketRequests).toEqual([PERMISSION])
    await expect(rs.requestTicket([PERMISSION, PERMISSION])).rejects.toBeInstanceOf(TypeError)
    expect(as.ticketRequests).toHaveLength(1)
    expect(() => setup({ permissionRequestFormat: 'single' })).toThrow(TypeError)
    await rs.close()
  })

  it('accepts a 200 as well as a 201', async () => {
    const { as, rs } = setup()
    msw.use(http.post(as.endpoints.permission, () => HttpResponse.json({ ticket: 't200' })))
    await expect(rs.requestTicket(PERMISSION)).resolves.toBe('t200')
    await rs.close()
  })

  it.each([
    ['invalid_resource_id', 400, { error: 'invalid_resource_id' }, 'invalid_resource_id'],
    ['invalid_scope', 400, { error: 'invalid_scope' }, 'invalid_scope'],
    [
      "WSO2's camelCase body",
      400,
      { error: 'invalid_resource_id', errorDescription: 'no' },
      'invalid_resource_id',
    ],
    ['a bare 400', 400, 'Bad Request', 'invalid_request'],
    ['a 500', 500, 'oops', 'as_error'],
    ['a 2xx without ticket', 201, {}, 'ticket_not_issued'],
  ])('rejects on %s', async (_label, status, body, code) => {
    const { as, rs } = setup()
    msw.use(
      http.post(as.endpoints.permission, () =>
        typeof body === 'string'
          ? new HttpResponse(body, { status })
          : HttpResponse.json(body, { status }),
      ),
    )
    await expect(rs.requestTicket(PERMISSION)).rejects.toMatchObject({ name: 'UmaError', code })
    await rs.close()
  })

  it.each([
    ['null', null],
    ['an empty array', []],
    ['a permission without resource_id', { resource_scopes: ['view'] }],
    ['scopes that are not strings', { resource_id: 'r', resource_scopes: [1] }],
    ['a string', 'photo-1'],
  ])('throws a TypeError for %s and sends nothing', async (_label, input) => {
    const { as, rs } = setup()
    await expect(rs.requestTicket(input as never)).rejects.toThrow(TypeError)
    expect(as.calls.ticket).toBe(0)
    await rs.close()
  })
})
