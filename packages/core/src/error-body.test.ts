import { inspect } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readErrorBody, redactTokens, scrubbedCause, unexpectedStatus } from './error-body.js'
import type { AsResponse } from './http.js'
import { createRedactor, sentSecrets } from './scrub.js'

function response(
  body: unknown,
  init: { status?: number; type?: string; sent?: string[] } = {},
): AsResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const isJson = typeof body !== 'string'
  return {
    status: init.status ?? 400,
    headers: new Headers(init.type === undefined ? {} : { 'content-type': init.type }),
    text,
    isJson,
    json: isJson ? body : undefined,
    redact: createRedactor(init.sent ?? []),
  }
}

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
      'Request denied',
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
      status: 500,
      asStatus: 502,
      error: 'server_error',
      errorDescription: 'db down',
      message: 'introspection answered HTTP 502 (server_error)',
    })
  })
})

describe('scrubbing what was sent', () => {
  const pat32 = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'
  const pat36 = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'

  it.each([
    ['a 32-character PAT', pat32],
    ['a 36-character PAT (a UUID)', pat36],
  ])('scrubs %s echoed in error_description from the error, its JSON and its cause', (_l, p) => {
    const sent = sentSecrets(new Headers({ authorization: `Bearer ${p}` }), undefined)
    const res = response(
      { error: 'invalid_token', error_description: `token ${p} is unknown`, echo: { token: p } },
      { status: 401, sent },
    )
    const err = unexpectedStatus(res, 'ticket request')
    expect(err.errorDescription).toBe('token [redacted] is unknown')
    expect(JSON.stringify(err)).not.toContain(p)
    expect(inspect(err, { depth: 10 })).not.toContain(p)
    expect(JSON.stringify(err.cause)).not.toContain(p)
  })

  it('scrubs a client secret in raw, percent-encoded and Basic-encoded forms', () => {
    const secret = 'se cret/+=&value'
    const basic = Buffer.from(`rs:${encodeURIComponent(secret)}`).toString('base64')
    const sent = sentSecrets(new Headers({ authorization: `Basic ${basic}` }), undefined)
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${basic} d`
    const info = readErrorBody(
      response({ error: 'invalid_client', error_description: text }, { sent }),
    )
    expect(info.errorDescription).toBe('a [redacted] b [redacted] c [redacted] d')
  })

  it('scrubs form parameters but keeps the public ones', () => {
    const sent = sentSecrets(
      new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Auma-ticket&ticket=tkt-123&rpt=rpt-456&scope=view',
    )
    const redact = createRedactor(sent)
    expect(redact('tkt-123 rpt-456 view uma-ticket')).toBe('[redacted] [redacted] view uma-ticket')
  })

  it("scrubs token members of a JSON body (CAS's RPT request)", () => {
    const sent = sentSecrets(
      new Headers({ 'content-type': 'application/json' }),
      JSON.stringify({ ticket: 'tkt-abc', claim_token: 'claims-xyz', grant_type: 'x' }),
    )
    expect(createRedactor(sent)('tkt-abc claims-xyz x')).toBe('[redacted] [redacted] x')
  })

  it('drops an error code that is a value the request carried', () => {
    const res = response(
      { error: 'pat-0123456789', error_description: 'x' },
      { sent: ['pat-0123456789'] },
    )
    expect(readErrorBody(res).error).toBeUndefined()
    expect(unexpectedStatus(res, 'call').message).not.toContain('pat-0123456789')
  })

  it('keeps a text body as a bounded, scrubbed cause', () => {
    const res = response(`bad ticket tkt-9999 ${'x'.repeat(5000)}`, {
      type: 'text/plain',
      sent: ['tkt-9999'],
    })
    const cause = scrubbedCause(res) as string
    expect(cause.startsWith('bad ticket [redacted]')).toBe(true)
    expect(cause.length).toBeLessThanOrEqual(2001)
  })

  it('never lets a secret through, whatever text surrounds it (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 64 }),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          const redact = createRedactor([secret])
          return !redact(`${before}${secret}${after}`).includes(secret)
        },
      ),
    )
  })

  it('reads any JSON an AS may send without throwing (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 100, max: 599 }), (json, status) => {
        const res = response(json, { status, type: 'application/json', sent: ['secret-xyz'] })
        const info = readErrorBody(res)
        const err = unexpectedStatus(res, 'call')
        return (
          (info.errorDescription === undefined || typeof info.errorDescription === 'string') &&
          err.code === 'as_error'
        )
      }),
    )
  })
})
