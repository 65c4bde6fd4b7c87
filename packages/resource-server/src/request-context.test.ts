import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import type { Request } from 'express'
import { describe, expect, it } from 'vitest'
import type { UmaRequestContext } from './middleware.js'
import { setUmaContext } from './request-context.js'

const context = (resourceId: string): UmaRequestContext =>
  Object.freeze({
    resourceId,
    scopes: Object.freeze(['view']),
    permissions: Object.freeze([]),
    introspection: Object.freeze({ active: true }),
    issuer: 'https://as.example',
  })

/** Express's chain, 4 and 5 alike: request → app.request → express.request → IncomingMessage. */
function expressLike() {
  const shared = Object.create(IncomingMessage.prototype) as object
  const appRequest = () => Object.create(shared) as object
  const request = (proto: object) => {
    const req = new IncomingMessage(new Socket())
    Object.setPrototypeOf(req, proto)
    return req as unknown as Request
  }
  return { shared, appRequest, request }
}

describe('setUmaContext', () => {
  it('keeps the context off the request, readable through any app of the chain', () => {
    const { shared, appRequest, request } = expressLike()
    const parent = appRequest()
    const req = request(parent)
    setUmaContext(req, context('photo-1'))
    expect(Object.hasOwn(req, 'uma')).toBe(false)
    expect(Object.hasOwn(shared, 'uma')).toBe(true)
    expect(req.uma?.resourceId).toBe('photo-1')
    // a sub-app swaps the request's prototype for its own app.request
    Object.setPrototypeOf(req, appRequest())
    expect(req.uma?.resourceId).toBe('photo-1')
    // each request has its own
    const other = request(parent)
    expect(other.uma).toBeUndefined()
    setUmaContext(other, context('photo-2'))
    expect([req.uma?.resourceId, other.uma?.resourceId]).toEqual(['photo-1', 'photo-2'])
  })

  it('falls back to an own property where the chain has no IncomingMessage or uma is taken', () => {
    const plain = { headers: {} } as unknown as Request
    setUmaContext(plain, context('photo-1'))
    expect(Object.hasOwn(plain, 'uma')).toBe(true)
    expect(plain.uma?.resourceId).toBe('photo-1')

    const { shared, appRequest, request } = expressLike()
    Object.defineProperty(shared, 'uma', { value: undefined, writable: true })
    const req = request(appRequest())
    setUmaContext(req, context('photo-3'))
    expect(Object.hasOwn(req, 'uma')).toBe(true)
    expect(req.uma?.resourceId).toBe('photo-3')

    const { shared: frozen, appRequest: frozenApp, request: frozenRequest } = expressLike()
    Object.freeze(frozen)
    const kept = frozenRequest(frozenApp())
    setUmaContext(kept, context('photo-4'))
    expect(kept.uma?.resourceId).toBe('photo-4')
  })

  it("keeps the context in Express's res.locals, where no string key shows it", () => {
    const { appRequest, request } = expressLike()
    const req = request(appRequest())
    const locals = Object.create(null) as Record<string, unknown>
    locals.title = 'photos'
    Object.assign(req, { res: { locals } })
    setUmaContext(req, context('photo-1'))
    expect(req.uma?.resourceId).toBe('photo-1')
    expect(Object.getOwnPropertySymbols(locals)).toHaveLength(1)
    expect(Object.keys(locals)).toEqual(['title'])
    expect(JSON.stringify(locals)).toBe('{"title":"photos"}')
    // what an application assigns is what it reads back, in the same place
    const replaced = context('photo-9')
    req.uma = replaced
    expect(req.uma).toBe(replaced)
    // another request's locals are its own
    const other = request(appRequest())
    Object.assign(other, { res: { locals: Object.create(null) as object } })
    expect(other.uma).toBeUndefined()
  })
})
