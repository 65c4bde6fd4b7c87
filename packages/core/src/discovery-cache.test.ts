import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDiscoveryCache } from './discovery.js'

const ISSUER = 'https://as.example'
const DOC_URL = `${ISSUER}/.well-known/uma2-configuration`
const document = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` }

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function serveDocument(headers: Record<string, string> = {}) {
  const calls = { count: 0 }
  server.use(
    http.get(DOC_URL, () => {
      calls.count++
      return HttpResponse.json(document, { headers })
    }),
  )
  return calls
}

function clock(start = 1_000_000) {
  const state = { now: start }
  return { now: () => state.now, advance: (ms: number) => (state.now += ms) }
}

describe('createDiscoveryCache', () => {
  it('discovers once and reuses the document within ttlSeconds', async () => {
    const calls = serveDocument()
    const time = clock()
    const cache = createDiscoveryCache({ ttlSeconds: 60, now: time.now })
    await cache.get(ISSUER)
    time.advance(59_000)
    await cache.get(`${ISSUER}/`)
    expect(calls.count).toBe(1)
    time.advance(2_000)
    await cache.get(ISSUER)
    expect(calls.count).toBe(2)
  })

  it("honours the AS's Cache-Control max-age over ttlSeconds", async () => {
    const calls = serveDocument({ 'cache-control': 'public, max-age=10' })
    const time = clock()
    const cache = createDiscoveryCache({ ttlSeconds: 3600, now: time.now })
    await cache.get(ISSUER)
    time.advance(9_000)
    await cache.get(ISSUER)
    expect(calls.count).toBe(1)
    time.advance(2_000)
    await cache.get(ISSUER)
    expect(calls.count).toBe(2)
  })

  it('bounds a huge max-age by maxTtlSeconds', async () => {
    const calls = serveDocument({ 'cache-control': 'max-age=999999999' })
    const time = clock()
    const cache = createDiscoveryCache({ maxTtlSeconds: 100, now: time.now })
    await cache.get(ISSUER)
    time.advance(101_000)
    await cache.get(ISSUER)
    expect(calls.count).toBe(2)
  })

  it.each(['no-store', 'no-cache', 'max-age=0'])(
    'keeps nothing for Cache-Control: %s',
    async (cc) => {
      const calls = serveDocument({ 'cache-control': cc })
      const cache = createDiscoveryCache()
      await cache.get(ISSUER)
      await cache.get(ISSUER)
      expect(calls.count).toBe(2)
    },
  )

  it('shares one request among concurrent gets of one AS', async () => {
    const calls = serveDocument()
    const cache = createDiscoveryCache()
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.get(ISSUER)))
    expect(calls.count).toBe(1)
    expect(new Set(results).size).toBe(1)
  })

  it('keeps ASes apart', async () => {
    const calls = serveDocument()
    server.use(
      http.get('https://other.example/.well-known/uma2-configuration', () =>
        HttpResponse.json({
          issuer: 'https://other.example',
          token_endpoint: 'https://other.example/t',
        }),
      ),
    )
    const cache = createDiscoveryCache()
    const [a, b] = await Promise.all([cache.get(ISSUER), cache.get('https://other.example')])
    expect(a.issuer).toBe(ISSUER)
    expect(b.issuer).toBe('https://other.example')
    expect(calls.count).toBe(1)
  })

  it('does not keep a failed discovery', async () => {
    let fail = true
    const calls = { count: 0 }
    server.use(
      http.get(DOC_URL, () => {
        calls.count++
        return fail ? HttpResponse.text('down', { status: 503 }) : HttpResponse.json(document)
      }),
    )
    const cache = createDiscoveryCache()
    await expect(cache.get(ISSUER)).rejects.toMatchObject({ code: 'as_error' })
    fail = false
    await expect(cache.get(ISSUER)).resolves.toMatchObject({ issuer: ISSUER })
    expect(calls.count).toBe(2)
  })

  it('shares one failure among concurrent gets, then tries again', async () => {
    const calls = { count: 0 }
    server.use(
      http.get('*', () => {
        calls.count++
        return HttpResponse.error()
      }),
    )
    const cache = createDiscoveryCache()
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get(ISSUER)))
    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(calls.count).toBe(1)
    await expect(cache.get(ISSUER)).rejects.toMatchObject({ code: 'as_unreachable' })
    expect(calls.count).toBe(2)
  })

  it('forgets an AS on delete and everything on clear', async () => {
    const calls = serveDocument()
    const cache = createDiscoveryCache()
    await cache.get(ISSUER)
    cache.delete(`${ISSUER}/`)
    await cache.get(ISSUER)
    cache.clear()
    await cache.get(ISSUER)
    expect(calls.count).toBe(3)
    expect(() => cache.delete('not a url')).not.toThrow()
  })

  it('evicts the least recently used AS beyond max', async () => {
    const counts = new Map<string, number>()
    server.use(
      http.get('*', ({ request }) => {
        const issuer = new URL(request.url).origin
        counts.set(issuer, (counts.get(issuer) ?? 0) + 1)
        return HttpResponse.json({ issuer, token_endpoint: `${issuer}/t` })
      }),
    )
    const cache = createDiscoveryCache({ max: 2 })
    await cache.get('https://a.example')
    await cache.get('https://b.example')
    await cache.get('https://c.example')
    await cache.get('https://a.example')
    expect(counts.get('https://a.example')).toBe(2)
  })

  it('rejects a bad asUri with a TypeError', async () => {
    const cache = createDiscoveryCache()
    await expect(cache.get('')).rejects.toThrow(TypeError)
    await expect(cache.get(null as never)).rejects.toThrow(TypeError)
  })

  it.each([
    ['ttlSeconds negative', { ttlSeconds: -1 }],
    ['ttlSeconds a string', { ttlSeconds: '60' }],
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['fetch an object', { fetch: {} }],
    ['options a number', 5],
  ])('throws a TypeError at creation for %s', (_name, options) => {
    expect(() => createDiscoveryCache(options as never)).toThrow(TypeError)
  })
})
