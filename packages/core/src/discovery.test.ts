import { readFileSync } from 'node:fs'
import { HttpResponse, delay, http, type JsonBodyType } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { discover } from './discovery.js'
import { isUmaError } from './errors.js'

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >
const solidlab = (
  JSON.parse(
    readFileSync(
      new URL('../../../test/fixtures/solidlab-uma/01-discovery.json', import.meta.url),
      'utf8',
    ),
  ) as { response: { body: Record<string, unknown> } }
).response.body

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** Serves `document` at `url` and counts the requests it gets. */
function serve(url: string, document: JsonBodyType, init?: ResponseInit) {
  const calls = { count: 0 }
  server.use(
    http.get(url, () => {
      calls.count++
      return HttpResponse.json(document, init)
    }),
  )
  return calls
}

function notFoundEverywhere() {
  server.use(http.get('*', () => new HttpResponse('Not Found', { status: 404 })))
}

const expectUmaError = async (promise: Promise<unknown>, code: string) => {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isUmaError(err), `expected an UmaError ${code}, got ${String(err)}`).toBe(true)
  expect(err).toMatchObject({ code })
  return err as Error
}

describe('discover', () => {
  it("reads Keycloak's document at <issuer>/.well-known/uma2-configuration", async () => {
    const doc = fixture('keycloak-uma2-configuration.json')
    serve('https://kc.example/realms/photoz/.well-known/uma2-configuration', doc)
    const metadata = await discover('https://kc.example/realms/photoz')
    expect(metadata.issuer).toBe('https://kc.example/realms/photoz')
    expect(metadata.permission_endpoint).toBe(
      'https://kc.example/realms/photoz/authz/protection/permission',
    )
    expect(metadata.policy_endpoint).toBe(doc.policy_endpoint)
    expect(Object.isFrozen(metadata)).toBe(true)
  })

  it("reads old Keycloak's token_introspection_endpoint as introspection_endpoint", async () => {
    const doc = fixture('keycloak-legacy-uma2-configuration.json')
    serve('https://kc.example/auth/realms/photoz/.well-known/uma2-configuration', doc)
    const metadata = await discover('https://kc.example/auth/realms/photoz')
    expect(metadata.introspection_endpoint).toBe(doc.token_introspection_endpoint)
  })

  it("reads SolidLab's recorded document", async () => {
    serve('http://127.0.0.1:4000/uma/.well-known/uma2-configuration', solidlab)
    const metadata = await discover('http://127.0.0.1:4000/uma')
    expect(metadata.resource_registration_endpoint).toBe('http://127.0.0.1:4000/uma/resources/')
    expect(metadata.uma_profiles_supported).toEqual([
      'http://openid.net/specs/openid-connect-core-1_0.html#IDToken',
    ])
  })

  it("falls back to CAS's UMA 1.0 document and maps its names", async () => {
    const doc = fixture('cas-uma-configuration.json')
    server.use(
      http.get('https://cas.example/cas/oauth2.0/.well-known/uma2-configuration', () =>
        HttpResponse.text('', { status: 404 }),
      ),
      http.get('https://cas.example/.well-known/uma2-configuration/cas/oauth2.0', () =>
        HttpResponse.text('', { status: 404 }),
      ),
    )
    serve('https://cas.example/cas/oauth2.0/.well-known/uma-configuration', doc)
    const metadata = await discover('https://cas.example/cas/oauth2.0')
    expect(metadata).toMatchObject({
      resource_registration_endpoint: 'https://cas.example/cas/oauth2.0/resourceSet',
      permission_endpoint: 'https://cas.example/cas/oauth2.0/permission',
      claims_interaction_endpoint: 'https://cas.example/cas/oauth2.0/rqpClaims',
      rpt_endpoint: 'https://cas.example/cas/oauth2.0/rptAuthzRequest',
    })
  })

  it('falls back to the RFC 8414 inserted form when the appended one is not found', async () => {
    const tried: string[] = []
    server.use(
      http.get('https://as.example/tenant/.well-known/uma2-configuration', ({ request }) => {
        tried.push(request.url)
        return new HttpResponse(null, { status: 404 })
      }),
    )
    serve('https://as.example/.well-known/uma2-configuration/tenant', {
      issuer: 'https://as.example/tenant',
      token_endpoint: 'https://as.example/tenant/token',
    })
    const metadata = await discover('https://as.example/tenant')
    expect(metadata.token_endpoint).toBe('https://as.example/tenant/token')
    expect(tried).toHaveLength(1)
  })

  it('tries the appended, the inserted and the UMA 1.0 locations in that order, once each', async () => {
    const tried: string[] = []
    server.use(
      http.get('*', ({ request }) => {
        tried.push(request.url)
        return new HttpResponse(null, { status: 404 })
      }),
    )
    await expectUmaError(discover('https://as.example/t'), 'discovery_failed')
    expect(tried).toEqual([
      'https://as.example/t/.well-known/uma2-configuration',
      'https://as.example/.well-known/uma2-configuration/t',
      'https://as.example/t/.well-known/uma-configuration',
    ])
  })

  it('asks for JSON and sends no credentials', async () => {
    let headers: Headers | undefined
    server.use(
      http.get('https://as.example/.well-known/uma2-configuration', ({ request }) => {
        headers = request.headers
        return HttpResponse.json({
          issuer: 'https://as.example',
          token_endpoint: 'https://as.example/t',
        })
      }),
    )
    await discover('https://as.example')
    expect(headers?.get('accept')).toBe('application/json')
    expect(headers?.get('authorization')).toBeNull()
  })

  it('ignores one trailing slash on either side', async () => {
    serve('https://as.example/.well-known/uma2-configuration', {
      issuer: 'https://as.example/',
      token_endpoint: 'https://as.example/token',
    })
    await expect(discover('https://as.example/')).resolves.toMatchObject({
      issuer: 'https://as.example/',
    })
    await expect(discover(new URL('https://as.example'))).resolves.toBeDefined()
  })

  it('answers issuer_mismatch when the document names another issuer, without trying further', async () => {
    const tried: string[] = []
    server.use(
      http.get('*', ({ request }) => {
        tried.push(request.url)
        return HttpResponse.json({
          issuer: 'https://evil.example',
          token_endpoint: 'https://evil.example/token',
        })
      }),
    )
    const err = await expectUmaError(discover('https://as.example'), 'issuer_mismatch')
    expect(tried).toHaveLength(1)
    // the message names what was found, so a misconfiguration can be seen at a glance
    expect(err.message).toContain('"https://evil.example"')
  })

  it('answers issuer_mismatch for a document without issuer', async () => {
    serve('https://as.example/.well-known/uma2-configuration', {
      token_endpoint: 'https://as.example/t',
    })
    await expectUmaError(discover('https://as.example'), 'issuer_mismatch')
  })

  it('answers issuer_mismatch for an issuer that differs only by path case', async () => {
    serve('https://as.example/Realm/.well-known/uma2-configuration', {
      issuer: 'https://as.example/realm',
      token_endpoint: 'https://as.example/t',
    })
    await expectUmaError(discover('https://as.example/Realm'), 'issuer_mismatch')
  })

  it.each([
    ['missing', {}],
    ['not a string', { token_endpoint: 42 }],
    ['not a URL', { token_endpoint: '/token' }],
    ['a javascript: URL', { token_endpoint: 'javascript:alert(1)' }],
  ])('answers discovery_failed when token_endpoint is %s', async (_name, members) => {
    serve('https://as.example/.well-known/uma2-configuration', {
      issuer: 'https://as.example',
      ...members,
    })
    await expectUmaError(discover('https://as.example'), 'discovery_failed')
  })

  it('drops endpoint members that are not http(s) URLs', async () => {
    serve('https://as.example/.well-known/uma2-configuration', {
      issuer: 'https://as.example',
      token_endpoint: 'https://as.example/token',
      permission_endpoint: 'file:///etc/passwd',
      jwks_uri: 12,
    })
    const metadata = await discover('https://as.example')
    expect(metadata.permission_endpoint).toBeUndefined()
    expect(metadata.jwks_uri).toBeUndefined()
  })

  it('answers discovery_failed when no location has a document (WSO2 IS serves none)', async () => {
    notFoundEverywhere()
    const err = await expectUmaError(
      discover('https://wso2.example:9443/oauth2/token'),
      'discovery_failed',
    )
    expect(err.message).toContain('https://wso2.example:9443/oauth2/token')
    // every place tried is named, with what it answered
    expect(err.message).toContain(
      'https://wso2.example:9443/oauth2/token/.well-known/uma2-configuration (HTTP 404)',
    )
    expect(err.message).toContain(
      'https://wso2.example:9443/.well-known/uma2-configuration/oauth2/token (HTTP 404)',
    )
    expect(err.message).toContain(
      'https://wso2.example:9443/oauth2/token/.well-known/uma-configuration (HTTP 404)',
    )
  })

  it('bounds the whole discovery by timeoutMs, not each of the three places', async () => {
    // a clock that the fake AS moves on: the first place answers 404 after 150 ms of a 100 ms bound
    let clock = 1_000_000
    const now = vi.spyOn(Date, 'now').mockImplementation(() => clock)
    const tried: string[] = []
    const slow404: typeof fetch = (input) => {
      tried.push(input instanceof Request ? input.url : input.toString())
      clock += 150
      return Promise.resolve(new Response('Not Found', { status: 404 }))
    }
    try {
      const err = await expectUmaError(
        discover('https://as.example/r', { timeoutMs: 100, fetch: slow404 }),
        'as_unreachable',
      )
      expect(err.message).toContain('deadline')
      expect(tried).toHaveLength(1)
    } finally {
      now.mockRestore()
    }
  })

  it('refuses an issuer that is plain http off loopback, sending nothing', async () => {
    let calls = 0
    server.use(
      http.get('*', () => {
        calls++
        return HttpResponse.json({})
      }),
    )
    await expectUmaError(discover('http://as.example'), 'insecure_endpoint')
    expect(calls).toBe(0)
  })

  it('answers discovery_failed for HTML served with 200 everywhere', async () => {
    server.use(http.get('*', () => HttpResponse.html('<!doctype html><title>Welcome</title>')))
    const err = await expectUmaError(discover('https://as.example/x'), 'discovery_failed')
    expect(err.message).toContain('not JSON')
  })

  it.each([
    ['an array', [{ issuer: 'https://as.example' }]],
    ['a string', 'https://as.example'],
    ['null', null],
  ])('answers discovery_failed for a JSON document that is %s', async (_name, body) => {
    serve('https://as.example/.well-known/uma2-configuration', body)
    await expectUmaError(discover('https://as.example'), 'discovery_failed')
  })

  it('answers discovery_failed for JSON that does not parse', async () => {
    server.use(
      http.get('*', () =>
        HttpResponse.text('{"issuer": "https://as.example",', {
          headers: { 'content-type': 'application/json' },
        }),
      ),
    )
    await expectUmaError(discover('https://as.example'), 'discovery_failed')
  })

  it('reads JSON sent as text/plain', async () => {
    server.use(
      http.get('https://as.example/.well-known/uma2-configuration', () =>
        HttpResponse.text(
          JSON.stringify({ issuer: 'https://as.example', token_endpoint: 'https://as.example/t' }),
        ),
      ),
    )
    await expect(discover('https://as.example')).resolves.toMatchObject({
      token_endpoint: 'https://as.example/t',
    })
  })

  it('does not follow redirects', async () => {
    let followed = false
    server.use(
      http.get('https://as.example/.well-known/uma2-configuration', () =>
        HttpResponse.redirect('https://evil.example/doc', 302),
      ),
      http.get('https://evil.example/doc', () => {
        followed = true
        return HttpResponse.json({
          issuer: 'https://as.example',
          token_endpoint: 'https://evil.example/t',
        })
      }),
      http.get('https://as.example/.well-known/uma-configuration', () =>
        HttpResponse.text('', { status: 404 }),
      ),
    )
    await expectUmaError(discover('https://as.example'), 'discovery_failed')
    expect(followed).toBe(false)
  })

  it('answers as_error for a 5xx, with the status', async () => {
    server.use(http.get('*', () => HttpResponse.text('oops', { status: 503 })))
    const err = await expectUmaError(discover('https://as.example'), 'as_error')
    expect(err).toMatchObject({ asStatus: 503 })
  })

  it('answers as_unreachable when the connection fails', async () => {
    server.use(http.get('*', () => HttpResponse.error()))
    await expectUmaError(discover('https://as.example'), 'as_unreachable')
  })

  it('answers as_unreachable when the AS is slower than timeoutMs', async () => {
    server.use(
      http.get('*', async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    const err = await expectUmaError(
      discover('https://as.example', { timeoutMs: 50 }),
      'as_unreachable',
    )
    expect(err.message).toContain('timed out after 50 ms')
  })

  it('names the whole timeoutMs when the first place times out, however far the clock moved', async () => {
    server.use(
      http.get('*', async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    // every read of the clock a millisecond later: a bound computed from a deadline set here
    // would name 49 ms, or less
    const realNow = Date.now.bind(Date)
    let reads = 0
    const now = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + ++reads)
    try {
      const err = await expectUmaError(
        discover('https://as.example', { timeoutMs: 50 }),
        'as_unreachable',
      )
      expect(err.message).toContain('timed out after 50 ms')
    } finally {
      now.mockRestore()
    }
  })

  it('answers as_unreachable when the body stalls after the headers', async () => {
    server.use(
      http.get('*', () => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"issuer":'))
          },
        })
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } })
      }),
    )
    await expectUmaError(discover('https://as.example', { timeoutMs: 50 }), 'as_unreachable')
  })

  it('answers invalid_response for a document over 1 MiB', async () => {
    server.use(
      http.get('*', () =>
        HttpResponse.json({
          issuer: 'https://as.example',
          token_endpoint: 'https://as.example/t',
          padding: 'x'.repeat(1024 * 1024),
        }),
      ),
    )
    await expectUmaError(discover('https://as.example'), 'invalid_response')
  })

  it('uses the fetch it is given', async () => {
    const urls: string[] = []
    const fetchImpl: typeof fetch = (input) => {
      urls.push(input instanceof Request ? input.url : input.toString())
      return Promise.resolve(
        Response.json({ issuer: 'https://as.example', token_endpoint: 'https://as.example/t' }),
      )
    }
    await discover('https://as.example', { fetch: fetchImpl })
    expect(urls).toEqual(['https://as.example/.well-known/uma2-configuration'])
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['a number', 42],
    ['a relative URL', '/realms/x'],
    ['an ftp URL', 'ftp://as.example'],
    ['a URL with a query', 'https://as.example?x=1'],
    ['a URL with a fragment', 'https://as.example#x'],
    ['a URL with credentials', 'https://user:pw@as.example'],
    ['a huge string', `https://as.example/${'a'.repeat(100_000)}`],
  ])('rejects %s as asUri with a TypeError and sends nothing', async (_name, asUri) => {
    await expect(discover(asUri as string)).rejects.toThrow(TypeError)
  })

  it.each([
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }],
    ['timeoutMs as a string', { timeoutMs: '5000' }],
    ['fetch not a function', { fetch: 'fetch' }],
    ['options a string', 'fast'],
  ])('rejects bad options (%s) with a TypeError', async (_name, options) => {
    await expect(discover('https://as.example', options as never)).rejects.toThrow(TypeError)
  })
})
