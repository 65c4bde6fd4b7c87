import { Readable } from 'node:stream'
import { Agent, fetch as undiciFetch, request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createUmaClient, createUmaFetch, isUmaError, umaInterceptor } from '../src/index.js'
import { startServers, type Servers } from './servers.js'

let servers: Servers
beforeEach(async () => {
  servers = await startServers()
})
afterEach(async () => {
  await servers.close()
})

const options = () => ({
  trustedIssuers: [servers.as],
  clientId: 'bob-app',
  clientSecret: 'secret',
})

describe('createUmaFetch over real HTTP: the retry is the same request', () => {
  const bodies: [string, () => NonNullable<RequestInit['body']>][] = [
    ['a string', () => 'hello'],
    ['an ArrayBuffer', () => new TextEncoder().encode('bytes').buffer],
    ['a typed array', () => new Uint8Array([1, 2, 3, 250])],
    ['a Blob', () => new Blob(['blob body'], { type: 'application/x-blob' })],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: 'two' })],
    [
      'FormData',
      () => {
        const form = new FormData()
        form.set('field', 'value')
        return form
      },
    ],
    ['a small ReadableStream', () => new Blob(['streamed']).stream()],
  ]

  it.each(bodies)('replays %s with the same method, headers and body', async (_name, body) => {
    const umaFetch = createUmaFetch(options())
    const res = await umaFetch(`${servers.rs}/photos/1`, {
      method: 'PUT',
      headers: { 'x-custom': 'kept' },
      body: body(),
      duplex: 'half',
    })
    expect(res.status).toBe(200)
    const [first, retry] = servers.seen
    expect(servers.seen).toHaveLength(2)
    expect(retry?.method).toBe('PUT')
    expect(retry?.custom).toBe('kept')
    expect(retry?.contentType).toBe(first?.contentType)
    expect(retry?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true)
    expect(first?.body.length).toBeGreaterThan(0)
  })

  it('replays a Request input', async () => {
    const umaFetch = createUmaFetch(options())
    const input = new Request(`${servers.rs}/photos/1`, {
      method: 'POST',
      body: 'from a Request',
      headers: { 'x-custom': 'r' },
    })
    expect((await umaFetch(input)).status).toBe(200)
    expect(servers.seen.map((s) => s.body.toString())).toEqual(['from a Request', 'from a Request'])
    expect(servers.seen[1]?.custom).toBe('r')
  })

  it('returns the response as it is, without a retry, for a stream over maxReplayBytes', async () => {
    const umaFetch = createUmaFetch({ ...options(), maxReplayBytes: 1024 })
    const big = new Uint8Array(64 * 1024).fill(7)
    const res = await umaFetch(`${servers.rs}/upload`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    })
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('UMA ticket issued')
    expect(servers.seen).toHaveLength(1)
    expect(servers.seen[0]?.body.length).toBe(big.length)
    expect(servers.tokenCalls).toHaveLength(0)
  })
})

describe('createUmaFetch over real HTTP: concurrency', () => {
  it('20 concurrent first calls for one AS and origin share one token request', async () => {
    servers.tokenDelayMs = 50
    const umaFetch = createUmaFetch(options())
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => umaFetch(`${servers.rs}/photos/${i}`)),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(servers.tokenCalls).toHaveLength(1)
  })
})

describe('umaInterceptor', () => {
  it('answers the challenge for undici.request and for fetch with that dispatcher', async () => {
    const agent = new Agent()
    const dispatcher = agent.compose(umaInterceptor(options()))
    try {
      const first = await request(`${servers.rs}/photos/1`, { dispatcher })
      expect(first.statusCode).toBe(200)
      expect(await first.body.text()).toBe('ok')
      const second = await undiciFetch(`${servers.rs}/photos/2`, { dispatcher })
      expect(second.status).toBe(200)
      expect(servers.tokenCalls).toHaveLength(1)
      expect(servers.seen.map((s) => s.authorization)).toEqual([
        undefined,
        'Bearer rpt-1',
        'Bearer rpt-1',
      ])
    } finally {
      await agent.close()
    }
  })

  it('replays a string body', async () => {
    const agent = new Agent()
    try {
      const res = await request(`${servers.rs}/photos/1/print`, {
        method: 'POST',
        body: 'copies=2',
        headers: { 'x-custom': 'i' },
        dispatcher: agent.compose(umaInterceptor(options())),
      })
      expect(res.statusCode).toBe(200)
      await res.body.dump()
      expect(servers.seen.map((s) => [s.method, s.body.toString(), s.custom])).toEqual([
        ['POST', 'copies=2', 'i'],
        ['POST', 'copies=2', 'i'],
      ])
    } finally {
      await agent.close()
    }
  })

  it('replays the body undici.fetch streams, read up to maxReplayBytes', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(umaInterceptor(options()))
      const res = await undiciFetch(`${servers.rs}/photos/1/print`, {
        method: 'POST',
        body: 'copies=3',
        headers: { 'content-type': 'text/plain' },
        dispatcher,
      })
      expect(res.status).toBe(200)
      expect(servers.seen.map((s) => [s.method, s.body.toString(), s.contentType])).toEqual([
        ['POST', 'copies=3', 'text/plain'],
        ['POST', 'copies=3', 'text/plain'],
      ])
    } finally {
      await agent.close()
    }
  })

  it('sends a stream past maxReplayBytes once and returns its answer as it is', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(umaInterceptor({ ...options(), maxReplayBytes: 1024 }))
      const big = Buffer.alloc(64 * 1024, 7)
      const res = await request(`${servers.rs}/upload`, {
        method: 'POST',
        body: Readable.from([big.subarray(0, 30_000), big.subarray(30_000)]),
        dispatcher,
      })
      expect(res.statusCode).toBe(401)
      await res.body.dump()
      expect(servers.seen).toHaveLength(1)
      expect(servers.seen[0]?.body.equals(big)).toBe(true)
      expect(servers.tokenCalls).toHaveLength(0)
    } finally {
      await agent.close()
    }
  })

  it('fails the request, and nothing else, when a streamed body breaks while it is read', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(umaInterceptor(options()))
      const broken = new Readable({
        read() {
          this.destroy(new Error('disk gone'))
        },
      })
      await expect(
        request(`${servers.rs}/upload`, { method: 'POST', body: broken, dispatcher }),
      ).rejects.toThrow()
      expect(servers.tokenCalls).toHaveLength(0)
      const after = await request(`${servers.rs}/photos/1`, { dispatcher })
      expect(after.statusCode).toBe(200)
      await after.body.dump()
    } finally {
      await agent.close()
    }
  })

  it('fails the request with untrusted_issuer and sends nothing to that server', async () => {
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(
        umaInterceptor({ trustedIssuers: ['https://as.example'], clientId: 'c' }),
      )
      const err: unknown = await request(`${servers.rs}/photos/1`, { dispatcher }).catch(
        (e: unknown) => e,
      )
      expect(isUmaError(err) && err.code).toBe('untrusted_issuer')
      expect(servers.tokenCalls).toHaveLength(0)
    } finally {
      await agent.close()
    }
  })
})

describe('createUmaClient', () => {
  it('getRpt makes one grant request and returns the RPT', async () => {
    const client = createUmaClient(options())
    const result = await client.getRpt({
      asUri: servers.as,
      ticket: 't-x',
      rpt: 'old',
      claimToken: 'c',
      claimTokenFormat: 'f',
    })
    expect(result).toEqual({ rpt: 'rpt-1', upgraded: false, expiresIn: 300 })
    const form = servers.tokenCalls[0]
    expect([
      form?.get('ticket'),
      form?.get('rpt'),
      form?.get('claim_token'),
      form?.get('claim_token_format'),
    ]).toEqual(['t-x', 'old', 'c', 'f'])
  })

  it('getRpt refuses an untrusted issuer', async () => {
    const err: unknown = await createUmaClient(options())
      .getRpt({ asUri: 'https://evil.example', ticket: 't' })
      .catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('untrusted_issuer')
  })

  it('claimsInteractionUrl builds on redirectUser, keeping its query', async () => {
    const client = createUmaClient(options())
    const url = new URL(
      await client.claimsInteractionUrl({
        asUri: servers.as,
        ticket: 't2',
        claimsRedirectUri: 'https://app.example/cb',
        state: 'x9',
        redirectUser: `${servers.as}/claims?id=42`,
      }),
    )
    expect(url.origin + url.pathname).toBe(`${servers.as}/claims`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id: '42',
      client_id: 'bob-app',
      ticket: 't2',
      claims_redirect_uri: 'https://app.example/cb',
      state: 'x9',
    })
  })

  it('claimsInteractionUrl uses the claims_interaction_endpoint set by hand', async () => {
    const client = createUmaClient({
      ...options(),
      metadata: {
        [servers.as]: {
          token_endpoint: `${servers.as}/token`,
          claims_interaction_endpoint: `${servers.as}/gather`,
        },
      },
    })
    const url = await client.claimsInteractionUrl({
      asUri: servers.as,
      ticket: 't',
      claimsRedirectUri: 'http://127.0.0.1/cb',
      state: 's',
    })
    expect(url.startsWith(`${servers.as}/gather?client_id=bob-app&ticket=t&`)).toBe(true)
  })

  it('claimsInteractionUrl fails with discovery_failed where the AS has no claims endpoint', async () => {
    const err: unknown = await createUmaClient(options())
      .claimsInteractionUrl({
        asUri: servers.as,
        ticket: 't',
        claimsRedirectUri: 'https://app.example/cb',
        state: 's',
      })
      .catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('discovery_failed')
  })

  it.each([
    ['a plain-http redirectUser off loopback', { redirectUser: 'http://as.example/claims' }],
    ['a claimsRedirectUri with a fragment', { claimsRedirectUri: 'https://app.example/cb#x' }],
    ['a relative claimsRedirectUri', { claimsRedirectUri: '/cb' }],
    ['an empty state', { state: '' }],
  ])('claimsInteractionUrl refuses %s with a TypeError', async (_name, change) => {
    const client = createUmaClient(options())
    const input = {
      asUri: servers.as,
      ticket: 't',
      claimsRedirectUri: 'https://app.example/cb',
      state: 's',
      redirectUser: `${servers.as}/claims`,
      ...change,
    }
    await expect(client.claimsInteractionUrl(input)).rejects.toBeInstanceOf(TypeError)
  })

  it('readClaimsRedirect returns the new ticket, or the old one where none came', () => {
    const client = createUmaClient(options())
    expect(
      client.readClaimsRedirect('https://app.example/cb?ticket=t4&state=x9', {
        state: 'x9',
        ticket: 't2',
      }),
    ).toEqual({ ticket: 't4' })
    expect(
      client.readClaimsRedirect(
        'https://app.example/cb?authorization_state=claims_submitted&state=x9',
        { state: 'x9', ticket: 't2' },
      ),
    ).toEqual({ ticket: 't2' })
  })

  it.each([
    ['https://app.example/cb?ticket=t4&state=other', 'state_mismatch'],
    ['https://app.example/cb?ticket=t4', 'state_mismatch'],
    ['https://app.example/cb?error=access_denied&state=x9', 'request_denied'],
    ['https://app.example/cb?error=not_authorized&state=x9', 'request_denied'],
    ['https://app.example/cb?error=server_error&state=x9', 'as_error'],
    ['https://app.example/cb?authorization_state=not_authorized&state=x9', 'request_denied'],
  ])('readClaimsRedirect(%s) throws %s', (callback, code) => {
    const client = createUmaClient(options())
    let caught: unknown
    try {
      client.readClaimsRedirect(callback, { state: 'x9', ticket: 't2' })
    } catch (err) {
      caught = err
    }
    expect(isUmaError(caught) && caught.code).toBe(code)
  })
})
