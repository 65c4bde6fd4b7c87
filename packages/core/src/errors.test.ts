import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  UMA_ERROR_CODES,
  UmaError,
  argumentError,
  describeReceived,
  isUmaError,
  readOptions,
} from './errors.js'

describe('UmaError', () => {
  it('carries its code, status and UMA fields', () => {
    const err = new UmaError('need_info', 'the AS needs claims', {
      asStatus: 403,
      ticket: 't2',
      requiredClaims: [{ name: 'email' }],
      redirectUser: 'https://as.example/claims?id=1',
      error: 'need_info',
    })
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({
      name: 'UmaError',
      code: 'need_info',
      status: 500,
      asStatus: 403,
      ticket: 't2',
      requiredClaims: [{ name: 'email' }],
      redirectUser: 'https://as.example/claims?id=1',
    })
    expect(String(err)).toBe('UmaError: the AS needs claims')
  })

  it('leaves the ticket, the cause and the stack out of toJSON', () => {
    const cause = { access_token: 'secret-rpt', error: 'x' }
    const err = new UmaError('request_submitted', 'pending', {
      asStatus: 403,
      ticket: 'secret-ticket',
      interval: 5,
      cause,
    })
    const json = JSON.stringify(err)
    expect(json).not.toContain('secret')
    expect(json).not.toContain('stack')
    expect(JSON.parse(json)).toEqual({
      name: 'UmaError',
      code: 'request_submitted',
      message: 'pending',
      asStatus: 403,
      interval: 5,
    })
    expect(err.cause).toBe(cause)
  })

  it('keeps the ticket readable but out of util.inspect and spreads', () => {
    const err = new UmaError('need_info', 'claims needed', { ticket: 'ticket-secret-value' })
    expect(err.ticket).toBe('ticket-secret-value')
    expect(inspect(err)).not.toContain('ticket-secret-value')
    expect(Object.keys(err)).not.toContain('ticket')
  })

  it('always has status 500 and expose false, so a framework never answers with the AS status', () => {
    const err = new UmaError('unauthorized', 'the PAT was refused', { asStatus: 401 })
    expect(err.status).toBe(500)
    expect(err.expose).toBe(false)
    expect(err.asStatus).toBe(401)
  })

  it('keeps messages on one line and bounded', () => {
    const err = new UmaError('as_error', `line1\r\nline2 ${'x'.repeat(5000)}`)
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(err.message.length).toBeLessThanOrEqual(1001)
  })

  it('has no own enumerable properties for fields it was not given', () => {
    const err = new UmaError('as_error', 'x')
    expect(Object.keys(err)).toEqual(['name', 'code'])
    expect('cause' in err).toBe(false)
  })

  it('lists every code once', () => {
    expect(new Set(UMA_ERROR_CODES).size).toBe(UMA_ERROR_CODES.length)
    expect(UMA_ERROR_CODES).toEqual(
      expect.arrayContaining([
        'need_info',
        'request_denied',
        'request_submitted',
        'invalid_grant',
        'invalid_scope',
        'untrusted_issuer',
        'issuer_mismatch',
        'discovery_failed',
        'as_unreachable',
        'as_error',
        'invalid_response',
      ]),
    )
  })
})

describe('isUmaError', () => {
  it('tells UmaErrors from other values', () => {
    expect(isUmaError(new UmaError('as_error', 'x'))).toBe(true)
    for (const value of [
      new Error('x'),
      { code: 'as_error', name: 'UmaError' },
      null,
      undefined,
      'x',
    ]) {
      expect(isUmaError(value)).toBe(false)
    }
  })

  it('recognises an UmaError from another copy of the package by its brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('uma-kit.error'), {
      value: true,
    })
    expect(isUmaError(foreign)).toBe(true)
  })
})

describe('argument errors', () => {
  it('builds a TypeError with a Node-style code', () => {
    const err = argumentError('ERR_INVALID_ARG_VALUE', 'options.x is bad')
    expect(err).toBeInstanceOf(TypeError)
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE')
  })

  it('describes a received value without echoing it', () => {
    expect(describeReceived('my-secret')).toBe('a string of length 9')
    expect(describeReceived(null)).toBe('null')
    expect(describeReceived(undefined)).toBe('undefined')
    expect(describeReceived([1])).toBe('an array')
    expect(describeReceived(3)).toBe('type number')
  })

  it('reads options: nullish gives {}, an object passes, anything else throws', () => {
    expect(readOptions(undefined, 'options')).toEqual({})
    expect(readOptions(null, 'options')).toEqual({})
    const options = { a: 1 }
    expect(readOptions(options, 'options')).toBe(options)
    expect(() => readOptions('x', 'options')).toThrow(TypeError)
    expect(() => readOptions([], 'options')).toThrow(TypeError)
  })
})
