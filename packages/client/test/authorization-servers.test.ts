/**
 * Issue 10, client side: RPTs kept per AS, never sent to a resource another AS protects, and
 * RFC 9728 protected-resource metadata as a second trust check.
 */
import { HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError, type UmaFetchOptions } from '../src/index.js'
import { AS1, AS2, createOrigins } from './origins.js'

const R = 'https://photos.example'
const OTHER = 'https://other.example'
const world = createOrigins([R, OTHER])
const server = setupServer(...world.handlers())
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  world.reset()
  world.protectedBy.set(`${R}/alice/1`, AS1)
  world.protectedBy.set(`${R}/alice/2`, AS1)
  world.protectedBy.set(`${R}/dave/1`, AS2)
})

const make = (extra: Partial<UmaFetchOptions> = {}) =>
  createUmaFetch({ trustedIssuers: [AS1, AS2], clientId: 'bob-app', ...extra })
const last = (origin: string) =>
  world
    .authorizations(origin)
    .at(-1)
    ?.replace(/^Bearer /, '')
const asOf = (rpt: string | undefined) => rpt?.split('|')[1]

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  return isUmaError(err) ? err.code : undefined
}

describe('createUmaFetch: two ASes protecting resources of one origin', () => {
  it("sends each resource the RPT of the AS that protects it, never the other's", async () => {
    const umaFetch = make()
    expect((await umaFetch(`${R}/alice/1`)).status).toBe(200)
    expect((await umaFetch(`${R}/dave/1`)).status).toBe(200)
    // AS2 was never handed AS1's RPT to upgrade
    expect(world.grants.get(AS2)?.[0]?.get('rpt')).toBeNull()
    world.seen.get(R)!.length = 0
    expect((await umaFetch(`${R}/alice/1`)).status).toBe(200)
    expect(asOf(last(R))).toBe(AS1)
    expect((await umaFetch(`${R}/dave/1`)).status).toBe(200)
    expect(asOf(last(R))).toBe(AS2)
    expect(world.authorizations(R)).toHaveLength(2)
    expect(world.grants.get(AS1)).toHaveLength(1)
    expect(world.grants.get(AS2)).toHaveLength(1)
  })

  it('sends no RPT to a new resource of an origin with two ASes, then the right one', async () => {
    const umaFetch = make()
    await umaFetch(`${R}/alice/1`)
    await umaFetch(`${R}/dave/1`)
    world.seen.get(R)!.length = 0
    expect((await umaFetch(`${R}/alice/2`)).status).toBe(200)
    const [first, retry] = world.authorizations(R)
    expect(first).toBeNull()
    expect(asOf(retry?.replace(/^Bearer /, ''))).toBe(AS1)
    // the RPT AS1 had granted served: no grant request
    expect(world.grants.get(AS1)).toHaveLength(1)
  })
})

const metadataUrl = `${R}/.well-known/oauth-protected-resource`

function publish(document: unknown, status = 200) {
  let reads = 0
  world.routes.set(`${R}/.well-known/oauth-protected-resource`, () => {
    reads++
    return HttpResponse.json(document as never, { status })
  })
  world.challengeParams.set(R, `resource_metadata="${metadataUrl}"`)
  return () => reads
}

describe('createUmaFetch: RFC 9728 resource metadata', () => {
  it('refuses an as_uri that the resource server’s metadata does not list', async () => {
    publish({ resource: R, authorization_servers: [AS1] })
    const err: unknown = await make()(`${R}/dave/1`).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('untrusted_issuer')
    expect(isUmaError(err) && err.message).toContain(metadataUrl)
    expect(isUmaError(err) && err.message).toContain(AS2)
    expect(world.grants.get(AS2)).toEqual([])
  })

  it('accepts a listed one, and reads the document once', async () => {
    const reads = publish({
      resource: R,
      authorization_servers: [`${AS1}/`, AS2],
      scopes_supported: ['view'],
    })
    const umaFetch = make()
    expect((await umaFetch(`${R}/alice/1`)).status).toBe(200)
    expect((await umaFetch(`${R}/dave/1`)).status).toBe(200)
    expect(reads()).toBe(1)
  })

  it.each([
    ['is about another resource', { resource: OTHER, authorization_servers: [AS1] }, 200],
    ['is about a sibling path', { resource: `${R}/ali`, authorization_servers: [AS1] }, 200],
    ['lists no authorization_servers', { resource: R }, 200],
    ['is not JSON with a resource', ['nope'], 200],
  ] as const)('refuses a document that %s', async (_name, document, status) => {
    publish(document, status)
    expect(await codeOf(make()(`${R}/alice/1`))).toMatch(/untrusted_issuer|discovery_failed/)
    expect(world.grants.get(AS1)).toEqual([])
  })

  it('a document about a path prefix covers the resources under it', async () => {
    publish({ resource: `${R}/alice`, authorization_servers: [AS1] })
    expect((await make()(`${R}/alice/1`)).status).toBe(200)
  })

  it('fails closed with discovery_failed where the document cannot be read', async () => {
    publish({ error: 'gone' }, 404)
    expect(await codeOf(make()(`${R}/alice/1`))).toBe('discovery_failed')
    expect(world.grants.get(AS1)).toEqual([])
  })

  it('refuses a document over 64 KiB', async () => {
    publish({ resource: R, authorization_servers: [AS1], padding: 'x'.repeat(70_000) })
    expect(await codeOf(make()(`${R}/alice/1`))).toBe('discovery_failed')
  })

  it('never reads metadata from another origin than the resource’s', async () => {
    world.challengeParams.set(
      R,
      `resource_metadata="${OTHER}/.well-known/oauth-protected-resource"`,
    )
    const err: unknown = await make()(`${R}/alice/1`).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('untrusted_issuer')
    expect(world.seen.get(OTHER)).toEqual([])
  })

  it("with 'require', refuses a challenge that names no metadata", async () => {
    expect(await codeOf(make({ resourceMetadata: 'require' })(`${R}/alice/1`))).toBe(
      'untrusted_issuer',
    )
  })

  it("with 'ignore', never reads the document", async () => {
    const reads = publish({ resource: R, authorization_servers: [] })
    expect((await make({ resourceMetadata: 'ignore' })(`${R}/alice/1`)).status).toBe(200)
    expect(reads()).toBe(0)
  })

  it('refuses a resourceMetadata mode it does not know', () => {
    expect(() => make({ resourceMetadata: 'sometimes' as never })).toThrow(TypeError)
  })
})
