import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpResponse, delay, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { callAs } from './http.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const URL_ = 'https://as.example/endpoint'
const opts = { timeoutMs: 1000, purpose: 'test call' }

describe('callAs', () => {
  it('returns any status with the parsed JSON body', async () => {
    server.use(
      http.post(URL_, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })),
    )
    const res = await callAs(URL_, { method: 'POST' }, opts)
    expect(res).toMatchObject({ status: 400, isJson: true, json: { error: 'invalid_grant' } })
  })

  it('reads +json media types', async () => {
    server.use(
      http.get(URL_, () =>
        HttpResponse.text('{"a":1}', { headers: { 'content-type': 'application/problem+json' } }),
      ),
    )
    await expect(callAs(URL_, {}, opts)).resolves.toMatchObject({ isJson: true, json: { a: 1 } })
  })

  it('does not read HTML as JSON, even when it looks like JSON', async () => {
    server.use(http.get(URL_, () => HttpResponse.html('{"a":1}')))
    await expect(callAs(URL_, {}, opts)).resolves.toMatchObject({ isJson: false, json: undefined })
  })

  it('gives the 3xx itself rather than following it', async () => {
    server.use(http.get(URL_, () => HttpResponse.redirect('https://elsewhere.example/', 308)))
    await expect(callAs(URL_, {}, opts)).resolves.toMatchObject({ status: 308 })
  })

  it('refuses a body over maxBodyBytes that declares its length', async () => {
    server.use(http.get(URL_, () => HttpResponse.text('x'.repeat(2000))))
    await expect(callAs(URL_, {}, { ...opts, maxBodyBytes: 1000 })).rejects.toMatchObject({
      code: 'invalid_response',
    })
  })

  it('refuses a streamed body once it passes maxBodyBytes', async () => {
    server.use(
      http.get(URL_, () => {
        const chunk = new TextEncoder().encode('x'.repeat(600))
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(chunk)
          },
        })
        return new HttpResponse(stream)
      }),
    )
    await expect(callAs(URL_, {}, { ...opts, maxBodyBytes: 1000 })).rejects.toMatchObject({
      code: 'invalid_response',
    })
  })

  it("passes the caller's own abort reason through", async () => {
    const controller = new AbortController()
    const reason = new Error('caller gave up')
    server.use(
      http.get(URL_, () => {
        controller.abort(reason)
        return new Promise<Response>(() => undefined)
      }),
    )
    await expect(callAs(URL_, {}, { ...opts, signal: controller.signal })).rejects.toBe(reason)
  })

  it('names the network error code when a real connection is refused', async () => {
    server.close()
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    try {
      const err: unknown = await callAs(`http://127.0.0.1:${port}/x?token=secret`, {}, opts).catch(
        (e: unknown) => e,
      )
      expect(err).toMatchObject({ code: 'as_unreachable' })
      expect((err as Error).message).toContain('ECONNREFUSED')
      expect((err as Error).message).not.toContain('secret')
    } finally {
      server.listen({ onUnhandledRequest: 'error' })
    }
  })

  it('refuses an http URL off loopback before sending anything', async () => {
    let calls = 0
    server.use(
      http.get('http://as.example/endpoint', () => {
        calls++
        return HttpResponse.json({})
      }),
    )
    await expect(callAs('http://as.example/endpoint', {}, opts)).rejects.toMatchObject({
      name: 'UmaError',
      code: 'insecure_endpoint',
      message: expect.stringContaining('http://as.example/endpoint') as unknown,
    })
    expect(calls).toBe(0)
  })

  it('sends nothing once the deadline has passed, and bounds the call by what is left', async () => {
    let calls = 0
    server.use(
      http.get(URL_, async () => {
        calls++
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    await expect(callAs(URL_, {}, { ...opts, deadline: Date.now() - 1 })).rejects.toMatchObject({
      code: 'as_unreachable',
    })
    expect(calls).toBe(0)
    const started = Date.now()
    await expect(
      callAs(URL_, {}, { ...opts, timeoutMs: 10_000, deadline: Date.now() + 50 }),
    ).rejects.toMatchObject({ code: 'as_unreachable' })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('redacts what the request carried from text taken from the answer', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error: 'x' }, { status: 400 })))
    const res = await callAs(
      URL_,
      {
        method: 'POST',
        headers: {
          authorization: 'Bearer pat-0123456789abcdef0123456789abcdef',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'token=rpt-secret-value&token_type_hint=access_token',
      },
      opts,
    )
    expect(
      res.redact('pat-0123456789abcdef0123456789abcdef / rpt-secret-value / access_token'),
    ).toBe('[redacted] / [redacted] / access_token')
  })
})
