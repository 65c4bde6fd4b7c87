/**
 * `rptValidation: 'jwt'` and `'auto'`: RPTs minted per run with jose, the JWKS served by msw.
 */
import { HttpResponse, http } from 'msw'
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createResourceServer, type SingleAsOptions } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const ISSUER = 'https://as.example'
const METADATA = {
  token_endpoint: `${ISSUER}/token`,
  permission_endpoint: `${ISSUER}/perm`,
  introspection_endpoint: `${ISSUER}/introspect`,
  jwks_uri: `${ISSUER}/jwks`,
}

interface Key {
  privateKey: CryptoKey
  jwk: JWK
}

async function newKey(kid?: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = {
    ...(await exportJWK(publicKey)),
    alg: 'ES256',
    ...(kid === undefined ? {} : { kid }),
  }
  return { privateKey, jwk }
}

const now = () => Math.floor(Date.now() / 1000)

function mint(
  key: Key,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
) {
  // Keycloak puts the RS's client id in aud: the default audience the RS expects
  return new SignJWT({
    authorization: { permissions: [{ rsid: 'photo-1', rsname: 'Photo', scopes: ['view'] }] },
    aud: 'rs',
    ...claims,
  })
    .setProtectedHeader({
      alg: 'ES256',
      ...(key.jwk.kid === undefined ? {} : { kid: key.jwk.kid }),
      ...header,
    })
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
    .setIssuedAt()
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : now() + 300)
    .sign(key.privateKey)
}

/** A JWT exactly as given: no exp, no aud unless claimed. */
function mintBare(key: Key, claims: Record<string, unknown>) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid ?? '' })
    .setIssuer(ISSUER)
    .sign(key.privateKey)
}

describe('JWT RPTs checked locally', () => {
  let keys: Key[]
  let counts: { jwks: number; introspection: number; ticket: number }

  beforeEach(async () => {
    keys = [await newKey('k1')]
    counts = { jwks: 0, introspection: 0, ticket: 0 }
    msw.use(
      http.get(METADATA.jwks_uri, () => {
        counts.jwks += 1
        return HttpResponse.json({ keys: keys.map((k) => k.jwk) })
      }),
      http.post(METADATA.token_endpoint, () =>
        HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' }),
      ),
      http.post(METADATA.permission_endpoint, () => {
        counts.ticket += 1
        return HttpResponse.json({ ticket: 't' }, { status: 201 })
      }),
      http.post(METADATA.introspection_endpoint, () => {
        counts.introspection += 1
        return HttpResponse.json({
          active: true,
          permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
        })
      }),
    )
  })

  function rs(overrides: Partial<SingleAsOptions> = {}) {
    return createResourceServer({
      issuer: ISSUER,
      clientId: 'rs',
      clientSecret: 's',
      rptValidation: 'jwt',
      metadata: METADATA,
      fetch: mswFetch,
      ...overrides,
    })
  }

  const decide = (server: ReturnType<typeof rs>, token: string) =>
    server.authorize({ authorization: `Bearer ${token}`, resourceId: 'photo-1', scopes: ['view'] })

  it("allows a Keycloak-shaped RPT signed by the AS's key, without introspection", async () => {
    const server = rs()
    expect(await decide(server, await mint(keys[0]!))).toMatchObject({
      allowed: true,
      permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
    })
    expect(counts.introspection).toBe(0)
    await server.close()
  })

  it.each([
    ['another issuer', { iss: 'https://evil.example' }],
    ['an exp in the past', { exp: now() - 5 }],
    ['an nbf in the future', { nbf: now() + 600 }],
    [
      'the scope on another resource',
      { authorization: { permissions: [{ rsid: 'photo-2', scopes: ['view'] }] } },
    ],
  ])('refuses, with a challenge, an RPT with %s', async (_label, claims) => {
    const server = rs()
    expect(await decide(server, await mint(keys[0]!, claims))).toMatchObject({
      allowed: false,
      status: 401,
    })
    await server.close()
  })

  it("refuses an RPT signed by a key not in the AS's JWKS", async () => {
    const server = rs()
    const stranger = await newKey('k1')
    expect(await decide(server, await mint(stranger))).toMatchObject({
      allowed: false,
      status: 401,
    })
    await server.close()
  })

  it('refuses an unsigned (alg none) token', async () => {
    const server = rs()
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, exp: now() + 60, permissions: [] }),
    ).toString('base64url')
    expect(await decide(server, `eyJhbGciOiJub25lIn0.${payload}.`)).toMatchObject({
      allowed: false,
      status: 401,
    })
    await server.close()
  })

  it('accepts an exp inside clockToleranceSeconds', async () => {
    const server = rs({ clockToleranceSeconds: 30 })
    expect(await decide(server, await mint(keys[0]!, { exp: now() - 5 }))).toMatchObject({
      allowed: true,
    })
    await server.close()
  })

  it('checks aud when audience is set', async () => {
    const server = rs({ audience: 'photo-rs' })
    expect(await decide(server, await mint(keys[0]!, { aud: 'photo-rs' }))).toMatchObject({
      allowed: true,
    })
    expect(await decide(server, await mint(keys[0]!, { aud: 'solid' }))).toMatchObject({
      allowed: false,
    })
    await server.close()
  })

  it("expects the RS's client id in aud by default, as Keycloak sets it", async () => {
    const server = rs()
    expect(await decide(server, await mint(keys[0]!, { aud: ['other', 'rs'] }))).toMatchObject({
      allowed: true,
    })
    expect(await decide(server, await mint(keys[0]!, { aud: 'other-rs' }))).toMatchObject({
      allowed: false,
      status: 401,
    })
    expect(await decide(server, await mint(keys[0]!, { aud: undefined }))).toMatchObject({
      allowed: false,
      status: 401,
    })
    await server.close()
  })

  it('refuses a JWT without exp, which would be valid forever', async () => {
    const server = rs()
    const permissions = [{ resource_id: 'photo-1', resource_scopes: ['view'] }]
    const forever = await mintBare(keys[0]!, { aud: 'rs', permissions })
    expect(await decide(server, forever)).toMatchObject({ allowed: false, status: 401 })
    await server.close()
  })

  it('refuses a JWT signed by the right key but naming another issuer', async () => {
    const server = rs()
    const foreign = await mint(keys[0]!, { iss: 'https://other-as.example' })
    expect(await decide(server, foreign)).toMatchObject({ allowed: false, status: 401 })
    await server.close()
  })

  it('tries each key of a JWKS without kids (SolidLab)', async () => {
    keys = [await newKey(), await newKey()]
    // SolidLab's RPTs carry aud "solid"
    const server = rs({ audience: 'solid' })
    expect(
      await decide(
        server,
        await mint(keys[1]!, {
          aud: 'solid',
          permissions: [{ resource_id: 'photo-1', resource_scopes: ['view'] }],
        }),
      ),
    ).toMatchObject({ allowed: true })
    await server.close()
  })

  it('fetches the JWKS again when the AS has a new key, once the cooldown is over', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const server = rs()
    await decide(server, await mint(keys[0]!))
    keys = [await newKey('k2')]
    const rotated = await mint(keys[0]!)
    // within the 5 s cooldown, a hostile stream of unknown kids cannot make it refetch
    expect(await decide(server, rotated)).toMatchObject({ allowed: false, status: 401 })
    expect(counts.jwks).toBe(1)
    vi.setSystemTime(Date.now() + 4_000)
    expect(await decide(server, await mint(keys[0]!))).toMatchObject({ allowed: false })
    expect(counts.jwks).toBe(1)
    // past it (jose's own default of 30 s outlasted a Keycloak restart with new keys)
    vi.setSystemTime(Date.now() + 1_500)
    expect(await decide(server, await mint(keys[0]!))).toMatchObject({ allowed: true })
    expect(counts.jwks).toBe(2)
    vi.useRealTimers()
    await server.close()
  })

  it('answers 403 with the Warning when the JWKS cannot be fetched', async () => {
    msw.use(http.get(METADATA.jwks_uri, () => HttpResponse.error()))
    const server = rs()
    const decision = await decide(server, await mint(keys[0]!))
    expect(decision).toMatchObject({ allowed: false, status: 403 })
    await server.close()
  })

  it("with 'auto', checks JWTs locally and introspects opaque tokens", async () => {
    const server = rs({ rptValidation: 'auto' })
    expect(await decide(server, await mint(keys[0]!))).toMatchObject({ allowed: true })
    expect(counts.introspection).toBe(0)
    expect(await decide(server, 'opaque-reference-token')).toMatchObject({ allowed: true })
    expect(counts.introspection).toBe(1)
    await server.close()
  })

  it("with 'jwt', refuses an opaque token without asking anyone", async () => {
    const server = rs()
    expect(await decide(server, 'opaque-reference-token')).toMatchObject({
      allowed: false,
      status: 401,
    })
    expect(counts.introspection + counts.jwks).toBe(0)
    await server.close()
  })
})
