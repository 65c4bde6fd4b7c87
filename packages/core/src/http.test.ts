import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { callAs, readErrorBody, redactTokens, unexpectedStatus, type AsResponse } from './http.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const URL_ = 'https://as.example/endpoint'
const opts = { timeoutMs: 1000, purpose: 'test call' }

function response(body: unknown, init: { status?: number; type?: string } = {}): AsResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const isJson = typeof body !== 'string'
  return {
    status: init.status ?? 400,
    headers: new Headers(init.type === undefined ? {} : { 'content-type': init.type }),
    text,
    isJson,
    json: isJson ? body : undefined,
  }
}

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
})

describe('readErrorBody', () => {
  it.each([
    ['the OAuth shape', { error: 'invalid_scope', error_description: 'no' }, 'invalid_scope', 'no'],
    ["WSO2's resource errors", { code: 'not_found', description: 'gone' }, 'not_found', 'gone'],
    [
      "WSO2's camelCase",
      { error: 'invalid_resource_id', errorDescription: 'bad' },
      'invalid_resource_id',
      'bad',
    ],
    ["CAS's arrays", { code: [404], message: ['Not found'] }, undefined, 'Not found'],
    [
      "SolidLab's shape",
      { status: 403, description: 'Forbidden', message: 'Request denied' },
      undefined,
      'Forbidden',
    ],
    ['an error code with spaces', { error: 'not a code' }, undefined, undefined],
  ])('reads %s', (_name, body, error, description) => {
    expect(readErrorBody(response(body, { type: 'application/json' }))).toEqual({
      ...(error === undefined ? {} : { error }),
      ...(description === undefined ? {} : { errorDescription: description }),
    })
  })

  it('takes plain text as the description, but never HTML', () => {
    expect(readErrorBody(response('Bad Request: ticket', { type: 'text/plain' }))).toEqual({
      errorDescription: 'Bad Request: ticket',
    })
    expect(readErrorBody(response('<h1>Error</h1>', { type: 'text/html' }))).toEqual({})
    expect(readErrorBody(response(''))).toEqual({})
  })

  it('redacts a token the AS echoes in its description', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl'
    const info = readErrorBody(response({ error: 'invalid_rpt', error_description: `bad ${jwt}` }))
    expect(info.errorDescription).toBe('bad [redacted]')
  })
})

describe('redactTokens', () => {
  it('redacts JWTs and long opaque strings, keeps ordinary text and cuts long text', () => {
    expect(redactTokens('token eyJhbGciOi.eyJ4Ijox.sig')).toBe('token [redacted]')
    expect(redactTokens(`pat ${'A1b2'.repeat(12)} end`)).toBe('pat [redacted] end')
    expect(redactTokens('Requires uma_protection scope.')).toBe('Requires uma_protection scope.')
    expect(redactTokens('word '.repeat(100), 20)).toHaveLength(21)
  })
})

describe('unexpectedStatus', () => {
  it("gives as_error with the status and the AS's own error", () => {
    const err = unexpectedStatus(
      response({ error: 'server_error', error_description: 'db down' }, { status: 502 }),
      'introspection',
    )
    expect(err).toMatchObject({
      code: 'as_error',
      status: 502,
      error: 'server_error',
      errorDescription: 'db down',
      message: 'introspection answered HTTP 502 (server_error)',
    })
  })
})
