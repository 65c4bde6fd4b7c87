/**
 * Issue 9, item 12: an RPT is bound to the origin that challenged for it, whatever redirects
 * came before, and is never sent anywhere else.
 */
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError } from '../src/index.js'
import { AS1, createOrigins, redirect } from './origins.js'

const A = 'https://a.example'
const B = 'https://b.example'
const C = 'https://c.example'
const PLAIN = 'http://plain.example'
const world = createOrigins([A, B, C, PLAIN])
const server = setupServer(...world.handlers())
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => world.reset())

const make = () => createUmaFetch({ trustedIssuers: [AS1], clientId: 'bob-app', clientSecret: 's' })
const rptOf = (auth: string | null | undefined) => auth?.replace(/^Bearer /, '')

describe('createUmaFetch: redirects to another origin', () => {
  it.each([301, 302, 303, 307, 308])(
    'B challenging after a %i from A gets an RPT kept and sent for B only',
    async (status) => {
      world.routes.set(`${A}/go`, redirect(status, `${B}/photo`))
      const umaFetch = make()
      const res = await umaFetch(`${A}/go`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe(`GET /photo at ${B}`)
      expect(res.url).toBe(`${B}/photo`)
      expect(res.redirected).toBe(true)
      // B's ticket gave an RPT for B; A never saw it, not on the retry and not later
      expect(world.authorizations(A)).toEqual([null])
      const [first, retry] = world.authorizations(B)
      expect(first).toBeNull()
      expect(rptOf(retry)).toMatch(new RegExp(`^rpt\\|${AS1}\\|${B}\\|`))

      const again = await umaFetch(`${A}/go`)
      expect(again.status).toBe(200)
      expect(world.authorizations(A)).toEqual([null, null])
      expect(world.authorizations(B).at(-1)).toBe(retry)
      expect(world.grants.get(AS1)).toHaveLength(1)
    },
  )

  it('a POST redirected with 303 reaches B as a GET, and with 307 as the same POST', async () => {
    world.routes.set(`${A}/see-other`, redirect(303, `${B}/photo`))
    world.routes.set(`${A}/temporary`, redirect(307, `${B}/upload`))
    const umaFetch = make()
    const init = { method: 'POST', body: 'copies=2', headers: { 'content-type': 'text/plain' } }
    expect((await umaFetch(`${A}/see-other`, init)).status).toBe(200)
    expect(world.seen.get(B)?.map((s) => [s.method, s.body])).toEqual([
      ['GET', ''],
      ['GET', ''],
    ])
    world.reset()
    world.routes.set(`${A}/temporary`, redirect(307, `${B}/upload`))
    const res = await make()(`${A}/temporary`, init)
    expect(await res.text()).toBe(`POST /upload at ${B}`)
    expect(world.seen.get(B)?.map((s) => [s.method, s.body])).toEqual([
      ['POST', 'copies=2'],
      ['POST', 'copies=2'],
    ])
  })

  it('a redirect chain A → B → C: C’s RPT goes to C alone', async () => {
    world.routes.set(`${A}/start`, redirect(302, `${B}/middle`))
    world.routes.set(`${B}/middle`, redirect(307, `${C}/end`))
    const umaFetch = make()
    expect((await umaFetch(`${A}/start`)).status).toBe(200)
    expect((await umaFetch(`${A}/start`)).status).toBe(200)
    expect(world.authorizations(A)).toEqual([null, null])
    expect(world.authorizations(B)).toEqual([null, null])
    const c = world.authorizations(C)
    expect(c).toHaveLength(3)
    expect(c.slice(1).every((auth) => rptOf(auth)?.startsWith(`rpt|${AS1}|${C}|`))).toBe(true)
  })

  it('drops the caller’s own Authorization at the origin boundary, as fetch does', async () => {
    world.routes.set(`${A}/go`, redirect(302, `${B}/photo`))
    await make()(`${A}/go`, { headers: { authorization: 'Bearer callers-own' } })
    expect(world.authorizations(A)).toEqual(['Bearer callers-own'])
    expect(world.authorizations(B)).not.toContain('Bearer callers-own')
  })

  it('after a redirect that does not change origin, the RPT travels with the request', async () => {
    world.routes.set(`${A}/old`, redirect(301, `${A}/new`))
    const umaFetch = make()
    expect((await umaFetch(`${A}/old`)).status).toBe(200)
    expect((await umaFetch(`${A}/old`)).status).toBe(200)
    const auths = world.authorizations(A)
    // old, new (challenge), new (retry); then old and new with the RPT
    expect(auths.slice(0, 2)).toEqual([null, null])
    expect(auths.slice(2).every((auth) => rptOf(auth)?.startsWith(`rpt|${AS1}|${A}|`))).toBe(true)
    expect(world.grants.get(AS1)).toHaveLength(1)
  })
})

describe('createUmaFetch: redirect modes', () => {
  it("redirect: 'manual' returns the redirect untouched and follows nothing", async () => {
    world.routes.set(`${A}/go`, redirect(302, `${B}/photo`))
    const res = await make()(`${A}/go`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${B}/photo`)
    expect(world.seen.get(B)).toEqual([])
  })

  it("redirect: 'error' rejects on a redirect, as fetch does", async () => {
    world.routes.set(`${A}/go`, redirect(302, `${B}/photo`))
    await expect(make()(`${A}/go`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError)
    expect(world.seen.get(B)).toEqual([])
  })

  it('a redirect loop ends after 20 redirects with a TypeError', async () => {
    world.routes.set(`${A}/loop`, redirect(302, `${A}/loop`))
    await expect(make()(`${A}/loop`)).rejects.toBeInstanceOf(TypeError)
    expect(world.seen.get(A)).toHaveLength(21)
  })

  it('a redirect to a javascript: URL rejects with a TypeError', async () => {
    world.routes.set(`${A}/go`, redirect(302, 'javascript:alert(1)'))
    await expect(make()(`${A}/go`)).rejects.toBeInstanceOf(TypeError)
  })

  it('a redirect without Location is returned as it is', async () => {
    world.routes.set(`${A}/go`, () => new Response('moved somewhere', { status: 302 }))
    const res = await make()(`${A}/go`)
    expect(res.status).toBe(302)
    expect(await res.text()).toBe('moved somewhere')
  })
})

describe('createUmaFetch: RPTs never travel in clear text', () => {
  it('refuses a challenge from a plain-http origin off loopback, and asks the AS nothing', async () => {
    const err: unknown = await make()(`${PLAIN}/photo`).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('insecure_endpoint')
    expect(isUmaError(err) && err.message).toContain('http://plain.example/photo')
    expect(world.grants.get(AS1)).toEqual([])
  })

  it('refuses it after an https resource redirects there, and A keeps no RPT', async () => {
    world.routes.set(`${A}/go`, redirect(302, `${PLAIN}/photo`))
    const err: unknown = await make()(`${A}/go`).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('insecure_endpoint')
    expect(world.authorizations(PLAIN)).toEqual([null])
    expect(world.grants.get(AS1)).toEqual([])
  })
})
