/**
 * Introspection as each AS wants it: hints, client authentication or PAT, vendors' answers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HttpResponse, http, type JsonBodyType } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type Shape } from './support/fake-as.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const later = () => Math.floor(Date.now() / 1000) + 300

function setup(shape: Shape, overrides: Record<string, unknown> = {}) {
  const as = createFakeAs(shape)
  msw.use(...as.handlers)
  as.rpts.set('rpt', { active: true, exp: later(), grants: { 'photo-1': ['view'] } })
  const rs = createResourceServer({
    issuer: as.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: mswFetch,
    ...overrides,
  })
  const decide = (token = 'rpt') =>
    rs.authorize({ authorization: `Bearer ${token}`, resourceId: 'photo-1', scopes: ['view'] })
  return { as, rs, decide }
}

describe('introspection', () => {
  it('sends token_type_hint=access_token by default, with client authentication', async () => {
    const { as, rs, decide } = setup('spec')
    let auth: string | null = null
    msw.use(
      http.post(as.endpoints.introspection, ({ request }) => {
        auth = request.headers.get('authorization')
        return undefined
      }),
    )
    expect(await decide()).toMatchObject({ allowed: true })
    expect(as.hints).toEqual(['access_token'])
    // introspection authenticates as the client; the PAT is fetched beside it, for a ticket
    expect(auth).toMatch(/^Basic /)
    await rs.close()
  })

  it("sends requesting_party_token by default to Keycloak, whose 26.x leaves an RPT's permissions out otherwise", async () => {
    const { as, rs, decide } = setup('keycloak')
    expect(await decide()).toMatchObject({ allowed: true })
    expect(as.hints).toEqual(['requesting_party_token'])
    await rs.close()
  })

  it('sends the hint chosen, access_token included, to Keycloak', async () => {
    const { as, rs, decide } = setup('keycloak', { introspectionHint: 'access_token' })
    await decide()
    expect(as.hints).toEqual(['access_token'])
    await rs.close()
  })

  it.each([
    ['requesting_party_token', 'requesting_party_token'],
    [false, null],
  ] as const)('sends the hint %s as configured', async (hint, sent) => {
    const { as, rs, decide } = setup('keycloak', { introspectionHint: hint })
    await decide()
    expect(as.hints).toEqual([sent])
    await rs.close()
  })

  it("reads Keycloak's requesting_party_token answer with both name sets", async () => {
    const { as, rs, decide } = setup('keycloak', { introspectionHint: 'requesting_party_token' })
    as.rpts.set('rpt', {
      active: true,
      exp: later(),
      extra: {
        permissions: [
          {
            rsid: 'photo-1',
            rsname: 'p',
            scopes: ['view'],
            resource_id: 'photo-1',
            resource_scopes: ['view'],
          },
        ],
      },
    })
    expect(await decide()).toMatchObject({ allowed: true })
    await rs.close()
  })

  it('authenticates with the PAT for introspectionAuth: pat', async () => {
    const { as, rs, decide } = setup('spec', { introspectionAuth: 'pat' })
    let auth: string | null = null
    msw.use(
      http.post(as.endpoints.introspection, ({ request }) => {
        auth = request.headers.get('authorization')
        return undefined
      }),
    )
    expect(await decide()).toMatchObject({ allowed: true })
    expect(auth).toBe('Bearer pat-1')
    await rs.close()
  })

  it('uses the PAT by default when there are no client credentials', async () => {
    const as = createFakeAs('spec')
    msw.use(...as.handlers)
    as.pats.add('given-pat')
    as.rpts.set('rpt', { active: true, exp: later(), grants: { 'photo-1': ['view'] } })
    const rs = createResourceServer({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      pat: () => Promise.resolve('given-pat'),
      fetch: mswFetch,
    })
    const decision = await rs.authorize({
      authorization: 'Bearer rpt',
      resourceId: 'photo-1',
      scopes: ['view'],
    })
    expect(decision).toMatchObject({ allowed: true })
    await rs.close()
  })

  it('hands a refused RS (401 from introspection) to the caller as unauthorized, not as inactive', async () => {
    const { rs, decide } = setup('keycloak', { clientSecret: 'wrong' })
    await expect(decide()).rejects.toMatchObject({ code: 'unauthorized', asStatus: 401 })
    await rs.close()
  })

  it('answers introspect() through the cache', async () => {
    const { as, rs } = setup('spec')
    await expect(rs.introspect('rpt')).resolves.toMatchObject({ active: true })
    await expect(rs.introspect('rpt')).resolves.toMatchObject({ active: true })
    await expect(rs.introspect('nope')).resolves.toEqual({ active: false })
    expect(as.calls.introspection).toBe(2)
    await expect(rs.introspect('')).rejects.toThrow(TypeError)
    await rs.close()
  })
})

describe("SolidLab's recorded answers", () => {
  const fixture = (name: string) =>
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../test/fixtures/solidlab-uma', name), 'utf8'),
    ) as {
      response: { status: number; body: unknown }
    }

  it.each([
    ['34-introspect.json', { allowed: true }],
    ['36-introspect-garbage.json', { allowed: false, status: 401 }],
  ])('reads %s', async (file, expected) => {
    const recorded = fixture(file).response
    const { as, rs } = setup('spec', { introspectionAuth: 'pat' })
    as.resources.add('http://127.0.0.1:5000/alice/credentials/doc1')
    msw.use(
      http.post(as.endpoints.introspection, () =>
        HttpResponse.json(recorded.body as JsonBodyType, { status: recorded.status }),
      ),
    )
    const decision = await rs.authorize({
      authorization: 'Bearer x',
      resourceId: 'http://127.0.0.1:5000/alice/credentials/doc1',
      scopes: ['read'],
    })
    expect(decision).toMatchObject(expected)
    await rs.close()
  })
})
