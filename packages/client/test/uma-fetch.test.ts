import { ID_TOKEN_CLAIM_FORMAT, isUmaError, type UmaError } from '@uma-kit/core'
import { http, HttpResponse, delay } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { createUmaFetch, type UmaFetchOptions } from '../src/index.js'
import { AS, RS, SECRET, useWorld, grant, json, type World } from './world.js'

const world: World = useWorld()

const make = (extra: Partial<UmaFetchOptions> = {}) =>
  createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app', clientSecret: SECRET, ...extra })

/** The token endpoint grants `rpt-N` and the RS accepts it. */
function granting(extra: Record<string, string | number | boolean> = {}) {
  world.token = (_call, n) => {
    world.accepted.add(`rpt-${n}`)
    return grant(`rpt-${n}`, extra)
  }
}

async function rejection(promise: Promise<unknown>): Promise<UmaError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isUmaError(err)) throw new Error(`expected an UmaError, got ${String(err)}`)
  return err
}

describe('createUmaFetch: the challenge answered', () => {
  it('gets an RPT with the uma-ticket grant and sends the request again', async () => {
    granting()
    const res = await make()(`${RS}/photos/1`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('photo for /photos/1')
    expect(world.tokenCalls).toHaveLength(1)
    const [call] = world.tokenCalls
    expect(call?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:uma-ticket')
    expect(call?.form.get('ticket')).toBe('ticket-1')
    expect(call?.authorization).toMatch(/^Basic /)
    expect(world.rsCalls).toEqual([null, 'Bearer rpt-1'])
  })

  it('costs exactly one request when no token is needed, and one with a cached RPT', async () => {
    granting()
    world.server.use(http.get(`${RS}/public`, () => HttpResponse.text('open')))
    const umaFetch = make()
    expect((await umaFetch(`${RS}/public`)).status).toBe(200)
    expect(world.discoveryCalls + world.tokenCalls.length).toBe(0)
    await umaFetch(`${RS}/photos/1`)
    world.rsCalls.length = 0
    expect((await umaFetch(`${RS}/photos/2`)).status).toBe(200)
    expect(world.rsCalls).toEqual(['Bearer rpt-1'])
    expect(world.tokenCalls).toHaveLength(1)
    expect(world.discoveryCalls).toBe(1)
  })

  it('never sends an RPT to an origin it was not obtained for', async () => {
    granting()
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    world.rsCalls.length = 0
    await umaFetch('https://rs2.example/photos/1')
    expect(world.rsCalls[0]).toBeNull()
  })

  it('sends a request with its own Authorization as it is, and the RPT on the retry', async () => {
    granting()
    const res = await make()(`${RS}/photos/1`, { headers: { authorization: 'Bearer mine' } })
    expect(res.status).toBe(200)
    expect(world.rsCalls).toEqual(['Bearer mine', 'Bearer rpt-1'])
  })

  it('handles a 403 that carries a UMA challenge (UMA 1.0 resource servers) like a 401', async () => {
    granting()
    world.challenge = (ticket) =>
      new HttpResponse('{"ticket":"x"}', {
        status: 403,
        headers: {
          'www-authenticate': `UMA realm="rs",as_uri="${AS}",error="insufficient_scope",ticket="${ticket}"`,
        },
      })
    expect((await make()(`${RS}/photos/1`)).status).toBe(200)
  })

  it('upgrades the RPT it holds and keeps the PCT', async () => {
    granting({ pct: 'pct-value', upgraded: true })
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    world.accepted.clear()
    await umaFetch(`${RS}/photos/1/print`)
    expect(world.tokenCalls[1]?.form.get('rpt')).toBe('rpt-1')
    expect(world.tokenCalls[1]?.form.get('pct')).toBe('pct-value')
  })

  it('sends the requesting party token as Bearer instead of client authentication', async () => {
    granting()
    await make({ requestingPartyToken: () => Promise.resolve('user-token') })(`${RS}/photos/1`)
    expect(world.tokenCalls[0]?.authorization).toBe('Bearer user-token')
    expect(world.tokenCalls[0]?.form.get('client_id')).toBe('bob-app')
  })

  it('pushes claims before the first request, and the extra scopes asked for', async () => {
    granting()
    const seen: unknown[] = []
    await make({
      scope: ['print'],
      claims: (ctx) => {
        seen.push(ctx)
        return Promise.resolve({
          claim_token: 'claims-jwt',
          claim_token_format: ID_TOKEN_CLAIM_FORMAT,
        })
      },
    })(`${RS}/photos/1`)
    expect(seen).toEqual([
      {
        asUri: AS,
        ticket: 'ticket-1',
        requiredClaims: undefined,
        signal: expect.any(AbortSignal) as unknown,
      },
    ])
    const form = world.tokenCalls[0]?.form
    expect(form?.get('claim_token')).toBe('claims-jwt')
    expect(form?.get('claim_token_format')).toBe(ID_TOKEN_CLAIM_FORMAT)
    expect(form?.get('scope')).toBe('print')
  })

  it('returns what a stubborn RS answers after one token request', async () => {
    world.token = (_call, n) => grant(`rpt-${n}`)
    const res = await make()(`${RS}/photos/1`)
    expect(res.status).toBe(401)
    expect(world.tokenCalls.length).toBeLessThanOrEqual(2)
    expect(world.rsCalls).toHaveLength(2)
  })

  it('drops an RPT once it expires', async () => {
    granting({ expires_in: 1 })
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    world.rsCalls.length = 0
    await umaFetch(`${RS}/photos/1`)
    expect(world.rsCalls[0]).toBeNull()
  })

  it('keeps no RPT between calls with rptCache: false', async () => {
    granting()
    const umaFetch = make({ rptCache: false })
    await umaFetch(`${RS}/photos/1`)
    world.rsCalls.length = 0
    await umaFetch(`${RS}/photos/1`)
    expect(world.rsCalls).toEqual([null, 'Bearer rpt-2'])
  })
})

describe('createUmaFetch: responses it leaves alone', () => {
  const cases: [string, string | null][] = [
    ['no WWW-Authenticate', null],
    ['a Bearer challenge', 'Bearer realm="api", error="invalid_token"'],
    ['a UMA challenge without ticket', `UMA realm="r", as_uri="${AS}"`],
    ['a UMA challenge without as_uri', 'UMA realm="r", ticket="t"'],
    ['a malformed header', 'UMA ,,,=="'],
    ['a scheme-less challenge (gogatekeeper)', `realm="r", as_uri="${AS}", ticket="t"`],
  ]
  it.each(cases)('returns a 401 with %s untouched', async (_name, header) => {
    world.challenge = () =>
      new HttpResponse('nope', {
        status: 401,
        headers: header === null ? {} : { 'www-authenticate': header },
      })
    const res = await make()(`${RS}/photos/1`)
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('nope')
    expect(world.tokenCalls).toHaveLength(0)
  })

  it('finds the UMA challenge among several', async () => {
    granting()
    world.challenge = (ticket) =>
      new HttpResponse(null, {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="api", UMA realm="p", as_uri="${AS}", ticket="${ticket}"`,
        },
      })
    expect((await make()(`${RS}/photos/1`)).status).toBe(200)
  })
})

describe('createUmaFetch: trust', () => {
  it.each([
    'https://evil.example',
    'https://as.example.evil.com',
    'https://as.example:8443',
    'http://as.example',
    'https://as.example/realms/other',
    'not a url',
  ])('rejects as_uri %s with untrusted_issuer and sends it nothing', async (asUri) => {
    const contacted: string[] = []
    world.server.use(
      http.all('*', ({ request }) => {
        if (!request.url.startsWith(RS)) contacted.push(request.url)
        return undefined
      }),
    )
    world.challenge = () =>
      new HttpResponse(null, {
        status: 401,
        headers: { 'www-authenticate': `UMA as_uri="${asUri}", ticket="t"` },
      })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('untrusted_issuer')
    expect(contacted).toEqual([])
    expect(world.discoveryCalls).toBe(0)
  })

  it('accepts an as_uri that differs from the trusted issuer only by a trailing slash or case of host', async () => {
    granting()
    world.challenge = (ticket) =>
      new HttpResponse(null, {
        status: 401,
        headers: { 'www-authenticate': `UMA as_uri="https://AS.example/", ticket="${ticket}"` },
      })
    expect((await make()(`${RS}/photos/1`)).status).toBe(200)
  })

  it('refuses plain http issuers except on loopback', () => {
    expect(() => createUmaFetch({ trustedIssuers: ['http://as.example'], clientId: 'c' })).toThrow(
      TypeError,
    )
    expect(() =>
      createUmaFetch({ trustedIssuers: ['http://127.0.0.1:8080'], clientId: 'c' }),
    ).not.toThrow()
    expect(() => createUmaFetch({ trustedIssuers: [], clientId: 'c' })).toThrow(TypeError)
    expect(() => createUmaFetch({ trustedIssuers: [AS], clientId: '' })).toThrow(TypeError)
    expect(() => createUmaFetch(null as unknown as UmaFetchOptions)).toThrow(TypeError)
  })
})

describe('createUmaFetch: grant outcomes, spec and Keycloak shapes', () => {
  it('need_info without a claims callback rejects with ticket, requiredClaims, redirectUser', async () => {
    world.token = () =>
      json(403, {
        error: 'need_info',
        ticket: 'ticket-new',
        required_claims: [{ name: 'email', claim_token_format: [ID_TOKEN_CLAIM_FORMAT] }],
        redirect_user: `${AS}/claims?id=1`,
      })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.ticket).toBe('ticket-new')
    expect(err.requiredClaims).toEqual([
      { name: 'email', claim_token_format: [ID_TOKEN_CLAIM_FORMAT] },
    ])
    expect(err.redirectUser).toBe(`${AS}/claims?id=1`)
  })

  it('need_info with claims asks again with the new ticket, at most 3 rounds', async () => {
    let round = 0
    world.token = () =>
      json(403, {
        error: 'need_info',
        ticket: `next-${++round}`,
        required_claims: [{ name: 'email' }],
      })
    const contexts: unknown[] = []
    const err = await rejection(
      make({
        claims: (ctx) => {
          contexts.push(ctx.requiredClaims)
          return Promise.resolve(
            ctx.requiredClaims === undefined
              ? undefined
              : { claim_token: 'c', claim_token_format: 'urn:ietf:params:oauth:token-type:jwt' },
          )
        },
      })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('need_info')
    expect(world.tokenCalls.map((c) => c.form.get('ticket'))).toEqual([
      'ticket-1',
      'next-1',
      'next-2',
      'next-3',
    ])
    // the call before the first request, then one per need_info round
    expect(contexts).toHaveLength(4)
  })

  it('need_info answered by pushed claims succeeds', async () => {
    world.token = (call, n) => {
      if (call.form.get('claim_token') === null)
        return json(403, {
          error: 'need_info',
          ticket: 'ticket-2',
          required_claims: [{ name: 'email' }],
        })
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    const res = await make({
      claims: ({ requiredClaims }) =>
        Promise.resolve(
          requiredClaims
            ? { claim_token: 'bob@example.com', claim_token_format: 'email' }
            : undefined,
        ),
    })(`${RS}/photos/1`)
    expect(res.status).toBe(200)
    expect(world.tokenCalls[1]?.form.get('ticket')).toBe('ticket-2')
  })

  it.each([
    ['spec request_denied', 'request_denied', 403, { error: 'request_denied' }],
    [
      'Keycloak access_denied not_authorized',
      'request_denied',
      403,
      { error: 'access_denied', error_description: 'not_authorized' },
    ],
    [
      'Keycloak access_denied without description',
      'request_denied',
      403,
      { error: 'access_denied' },
    ],
    ['UMA 1.0 not_authorized', 'request_denied', 403, { error: 'not_authorized' }],
    [
      'SolidLab 403 without error or ticket',
      'request_denied',
      403,
      { status: 403, message: 'Request denied' },
    ],
    [
      'Keycloak access_denied request_submitted',
      'request_submitted',
      403,
      { error: 'access_denied', error_description: 'request_submitted' },
    ],
    ['spec invalid_scope', 'invalid_scope', 400, { error: 'invalid_scope' }],
    ['an unknown error', 'as_error', 400, { error: 'unsupported_grant_type' }],
    ['401 invalid_client', 'invalid_client', 401, { error: 'invalid_client' }],
    ['500', 'as_error', 500, { error: 'server_error' }],
  ] as const)('%s rejects with %s', async (_name, code, status, body) => {
    world.token = () => json(status, body)
    const err = await rejection(
      make({ onRequestSubmitted: { pollMaxWaitMs: 60_000 } })(`${RS}/photos/1`),
    )
    expect(err.code).toBe(code)
    expect(world.tokenCalls).toHaveLength(1)
  })

  it('request_submitted rejects by default, with the new ticket and interval', async () => {
    world.token = () => json(403, { error: 'request_submitted', ticket: 'ticket-9', interval: 7 })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('request_submitted')
    expect(err.ticket).toBe('ticket-9')
    expect(err.interval).toBe(7)
  })

  it('request_submitted polls at the interval with the new ticket until granted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      world.token = (_call, n) => {
        if (n < 3)
          return json(403, { error: 'request_submitted', ticket: `wait-${n}`, interval: 2 })
        world.accepted.add('rpt-final')
        return grant('rpt-final')
      }
      const pending = make({ onRequestSubmitted: { pollMaxWaitMs: 5000 } })(`${RS}/photos/1`)
      await vi.advanceTimersByTimeAsync(1990)
      expect(world.tokenCalls).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(2100)
      const res = await pending
      expect(res.status).toBe(200)
      expect(world.tokenCalls.map((c) => c.form.get('ticket'))).toEqual([
        'ticket-1',
        'wait-1',
        'wait-2',
      ])
    } finally {
      vi.useRealTimers()
    }
  })

  it('request_submitted stops polling at pollMaxWaitMs', async () => {
    let n = 0
    world.token = () =>
      json(403, { error: 'request_submitted', ticket: `wait-${++n}`, interval: 0.1 })
    const err = await rejection(
      make({ onRequestSubmitted: { pollMaxWaitMs: 250 } })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('request_submitted')
    expect(world.tokenCalls.length).toBeLessThanOrEqual(4)
  })

  it.each([
    ['spec invalid_grant', 400, { error: 'invalid_grant' }],
    ['Keycloak invalid_ticket', 403, { error: 'invalid_ticket' }],
    ['UMA 1.0 expired_ticket', 400, { error: 'expired_ticket' }],
    ['SolidLab bad ticket message', 400, { status: 400, message: 'Invalid ticket' }],
  ] as const)(
    '%s fetches the resource once more for a fresh ticket',
    async (_name, status, body) => {
      world.token = (call, n) => {
        if (call.form.get('ticket') === 'ticket-1') return json(status, body)
        world.accepted.add(`rpt-${n}`)
        return grant(`rpt-${n}`)
      }
      const res = await make()(`${RS}/photos/1`)
      expect(res.status).toBe(200)
      expect(world.tokenCalls.map((c) => c.form.get('ticket'))).toEqual(['ticket-1', 'ticket-2'])
    },
  )

  it('a second invalid_grant rejects', async () => {
    world.token = () => json(400, { error: 'invalid_grant' })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('invalid_grant')
    expect(world.tokenCalls).toHaveLength(2)
    expect(world.rsCalls).toHaveLength(2)
  })

  it('invalid_rpt drops the held RPT and asks once more without it', async () => {
    granting()
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    world.accepted.clear()
    world.token = (call, n) => {
      if (call.form.get('rpt') !== null) return json(403, { error: 'invalid_rpt' })
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    expect((await umaFetch(`${RS}/photos/2`)).status).toBe(200)
    expect(world.tokenCalls.slice(1).map((c) => c.form.get('rpt'))).toEqual(['rpt-1', null])
  })
})

describe('createUmaFetch: vendor answers', () => {
  it('CAS: need_info nested in a 308, names only, redirect_user true', async () => {
    world.server.use(
      http.get(`${AS}/.well-known/uma2-configuration`, () =>
        HttpResponse.json({
          issuer: AS,
          token_endpoint: `${AS}/token`,
          requesting_party_claims_endpoint: `${AS}/rqpClaims`,
        }),
      ),
    )
    world.token = () =>
      json(
        308,
        {
          error: 'need_info',
          error_details: {
            requesting_party_claims: {
              required_claims: ['givenName'],
              required_scopes: [],
              redirect_user: true,
              ticket: 'ticket-1',
            },
          },
        },
        { location: `${AS}/elsewhere` },
      )
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.requiredClaims).toEqual([{ name: 'givenName' }])
    expect(err.redirectUser).toBe(`${AS}/rqpClaims`)
    expect(world.tokenCalls).toHaveLength(1)
  })

  it('CAS: requesting_party_claims sent as a JSON string', async () => {
    world.token = () =>
      json(308, {
        error: 'need_info',
        error_details: {
          requesting_party_claims: JSON.stringify({
            required_claims: ['email'],
            redirect_user: true,
            ticket: 't',
          }),
        },
      })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.requiredClaims).toEqual([{ name: 'email' }])
    expect(err.redirectUser).toBe(`${AS}/claims`)
  })

  it('CAS: an RPT under rpt, answered 201; token_type in any case', async () => {
    world.token = () => {
      world.accepted.add('cas-rpt')
      return json(201, { rpt: 'cas-rpt', code: 'CREATED', token_type: 'bearer' })
    }
    expect((await make()(`${RS}/photos/1`)).status).toBe(200)
  })

  it('SolidLab: 403 with a ticket and no error is need_info', async () => {
    world.token = () =>
      json(403, { ticket: 'ticket-2', required_claims: [{ resource_scopes: ['print'] }] })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.ticket).toBe('ticket-2')
  })

  it('Keycloak: a success that always says upgraded and never gives a pct', async () => {
    world.token = () => {
      world.accepted.add('kc')
      return json(200, {
        access_token: 'kc',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_expires_in: 0,
        upgraded: false,
        'not-before-policy': 0,
      })
    }
    expect((await make()(`${RS}/photos/1`)).status).toBe(200)
  })
})

describe('createUmaFetch: a broken or slow AS', () => {
  it.each([
    [
      'HTML at 200',
      'invalid_response',
      () =>
        new HttpResponse('<html>hi</html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        }),
    ],
    [
      'a token response with no access_token',
      'invalid_response',
      () => json(200, { token_type: 'Bearer' }),
    ],
    [
      'a body over 1 MiB',
      'invalid_response',
      () => json(200, { access_token: 'x'.repeat(1024 * 1024 + 10) }),
    ],
    [
      'a 500 with HTML',
      'as_error',
      () =>
        new HttpResponse('<h1>oops</h1>', {
          status: 500,
          headers: { 'content-type': 'text/html' },
        }),
    ],
    ['a network error', 'as_unreachable', () => HttpResponse.error()],
    ['plain text 400', 'as_error', () => new HttpResponse('bad', { status: 400 })],
  ] as const)('%s rejects with %s, and the next call works', async (_name, code, answer) => {
    world.token = answer
    const umaFetch = make()
    const err = await rejection(umaFetch(`${RS}/photos/1`))
    expect(err.code).toBe(code)
    granting()
    expect((await umaFetch(`${RS}/photos/1`)).status).toBe(200)
  })

  it('times out a slow token endpoint', async () => {
    world.token = async () => {
      await delay('infinite')
      return json(200, {})
    }
    const err = await rejection(make({ timeoutMs: 200 })(`${RS}/photos/1`))
    expect(err.code).toBe('as_unreachable')
  })

  it('maps an unreachable discovery to as_unreachable', async () => {
    world.server.use(http.get(`${AS}/.well-known/uma2-configuration`, () => HttpResponse.error()))
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('as_unreachable')
  })

  it('uses endpoints set by hand without discovery', async () => {
    granting()
    const res = await make({ metadata: { [AS]: { token_endpoint: `${AS}/token` } } })(
      `${RS}/photos/1`,
    )
    expect(res.status).toBe(200)
    expect(world.discoveryCalls).toBe(0)
  })
})

describe('createUmaFetch: secrets stay out of errors', () => {
  it('leaves the secret, RPT, PCT and claim token out of messages and toJSON', async () => {
    granting({ pct: 'pct-secret-value' })
    const umaFetch = make({
      claims: () =>
        Promise.resolve({ claim_token: 'claim-token-secret', claim_token_format: 'jwt' }),
    })
    await umaFetch(`${RS}/photos/1`)
    world.accepted.clear()
    world.token = () =>
      json(400, {
        error: 'invalid_scope',
        error_description: `bad rpt-1 pct-secret-value claim-token-secret ${SECRET} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig`,
      })
    const err = await rejection(umaFetch(`${RS}/photos/2`))
    const text = `${err.message} ${JSON.stringify(err)} ${String(err)}`
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0')
    expect(err.code).toBe('invalid_scope')
  })
})
