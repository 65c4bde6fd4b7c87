/**
 * Hostile answers, end to end through `createUmaFetch`: huge and deep bodies, wrong types,
 * dangerous URLs. Each ends in a bounded `UmaError` or a harmless reading, never a crash, a hang
 * or a secret.
 */
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError, type UmaError } from '../src/index.js'
import { AS, RS, useWorld, json, type World } from './world.js'

const world: World = useWorld()

const umaFetch = () => createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })

async function rejection(promise: Promise<unknown>): Promise<UmaError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isUmaError(err)) throw new Error(`expected an UmaError, got ${String(err)}`)
  return err
}

const text = (status: number, body: string, type = 'application/json') =>
  new HttpResponse(body, { status, headers: { 'content-type': type } })

describe('createUmaFetch: hostile grant answers', () => {
  it('a body streamed past 1 MiB without Content-Length is cut and refused', async () => {
    world.token = () =>
      new HttpResponse(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32))
            controller.close()
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      )
    expect((await rejection(umaFetch()(`${RS}/photos/1`))).code).toBe('invalid_response')
  })

  it('JSON nested 200 000 deep is an as_error, not a stack overflow', async () => {
    world.token = () => text(403, `${'['.repeat(200_000)}${']'.repeat(200_000)}`)
    const err = await rejection(umaFetch()(`${RS}/photos/1`))
    expect(err.code).toBe('as_error')
  })

  it('required_claims nested 10 000 deep keeps a few levels', async () => {
    const nested = `${'{"deeper":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`
    world.token = () =>
      text(403, `{"error":"need_info","ticket":"t2","required_claims":[${nested}]}`)
    const err = await rejection(umaFetch()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(JSON.stringify(err.requiredClaims).length).toBeLessThan(200)
  })

  it.each([
    ['an access_token that is a number', { access_token: 12345, token_type: 'Bearer' }],
    ['an access_token that is an object', { access_token: { a: 1 }, token_type: 'Bearer' }],
    ['an access_token of 20 000 characters', { access_token: 'a'.repeat(20_000) }],
    ['an empty access_token', { access_token: '' }],
    ['an array', [{ access_token: 'x' }]],
  ])('a 200 with %s is invalid_response', async (_name, body) => {
    world.token = () => json(200, body)
    expect((await rejection(umaFetch()(`${RS}/photos/1`))).code).toBe('invalid_response')
  })

  it('ignores expires_in, pct and upgraded of the wrong type', async () => {
    world.token = () => {
      world.accepted.add('rpt-odd')
      return json(200, { access_token: 'rpt-odd', expires_in: 'soon', pct: {}, upgraded: 'yes' })
    }
    const fetcher = umaFetch()
    expect((await fetcher(`${RS}/photos/1`)).status).toBe(200)
    world.rsCalls.length = 0
    expect((await fetcher(`${RS}/photos/2`)).status).toBe(200)
    expect(world.rsCalls).toEqual(['Bearer rpt-odd'])
  })

  it('keeps the old ticket where need_info gives one that is not a string', async () => {
    world.token = () =>
      json(403, { error: 'need_info', ticket: 42, required_claims: 'email', redirect_user: 7 })
    const err = await rejection(umaFetch()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.ticket).toBeUndefined()
    expect(err.requiredClaims).toBeUndefined()
    expect(err.redirectUser).toBeUndefined()
  })

  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'http://evil.example/claims',
    '/claims?ticket=t2',
    ` https://as.example/claims`,
  ])('never offers %s as redirectUser', async (redirectUser) => {
    world.token = () => json(403, { error: 'need_info', ticket: 't2', redirect_user: redirectUser })
    const err = await rejection(umaFetch()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.redirectUser).toBeUndefined()
  })

  it('thousands of required claims are cut to 50', async () => {
    world.token = () =>
      json(403, {
        error: 'need_info',
        ticket: 't2',
        required_claims: Array.from({ length: 5000 }, (_, i) => ({ name: `claim-${i}` })),
      })
    const err = await rejection(umaFetch()(`${RS}/photos/1`))
    expect(err.requiredClaims).toHaveLength(50)
  })
})

describe('createUmaFetch: hostile resource servers', () => {
  it('a WWW-Authenticate of 100 KiB is no challenge: the 401 comes back', async () => {
    world.challenge = () =>
      new HttpResponse('no', {
        status: 401,
        headers: { 'www-authenticate': `UMA as_uri="${AS}", ticket="${'t'.repeat(100 * 1024)}"` },
      })
    const res = await umaFetch()(`${RS}/photos/1`)
    expect(res.status).toBe(401)
    expect(world.tokenCalls).toHaveLength(0)
  })

  it('resource metadata listing 2000 issuers is read up to its bound', async () => {
    world.server.use(
      http.get(`${RS}/.well-known/oauth-protected-resource`, () =>
        HttpResponse.json({
          resource: RS,
          authorization_servers: [
            ...Array.from({ length: 2000 }, (_, i) => `https://a${i}.ex`),
            AS,
          ],
        }),
      ),
    )
    world.challenge = (ticket) =>
      new HttpResponse(null, {
        status: 401,
        headers: {
          'www-authenticate': `UMA as_uri="${AS}", ticket="${ticket}", resource_metadata="${RS}/.well-known/oauth-protected-resource"`,
        },
      })
    // the AS is listed only past the first 100 entries: refused, never an unbounded read
    expect((await rejection(umaFetch()(`${RS}/photos/1`))).code).toBe('untrusted_issuer')
    expect(world.tokenCalls).toHaveLength(0)
  })
})
