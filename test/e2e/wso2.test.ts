/**
 * @uma-kit/resource-server and @uma-kit/client against the development AS in WSO2 Identity
 * Server's shape (wire.md §6.3): no discovery document, so both are configured with `metadata`;
 * resources answered 201 (update too); claims pushed as an ID token whose `sub` is the
 * requesting party; opaque RPTs checked by introspection with the PAT.
 */
import { createUmaFetch, isUmaError } from '@uma-kit/client'
import { ID_TOKEN_FORMAT, startDevServer, type DevServer } from '@uma-kit/dev-server'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import { afterEach, describe, expect, it } from 'vitest'
import { servePhoto } from './support.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** An ID token for Bob; WSO2 reads its `sub` without checking the signature. */
const bobIdToken = [
  { alg: 'RS256', typ: 'JWT' },
  { sub: 'bob', email: 'bob@example.com', iss: 'https://idp.example', aud: 'bob-app' },
]
  .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
  .concat('c2lnbmF0dXJl')
  .join('.')

async function wso2(): Promise<DevServer> {
  const as = await startDevServer({ shape: 'wso2' })
  closers.push(() => as.close())
  return as
}

/** The resource server as a WSO2 user configures it (the README's vendor note). */
function wso2Rs(as: DevServer): ResourceServer {
  const host = new URL(as.issuer).origin // https://wso2.example:9443 in production
  const rs = createResourceServer({
    issuer: `${host}/oauth2/token`,
    clientId: 'photo-rs',
    clientSecret: 'photo-rs-secret',
    introspectionAuth: 'pat',
    metadata: {
      token_endpoint: `${host}/oauth2/token`,
      introspection_endpoint: `${host}/oauth2/introspect`,
      resource_registration_endpoint: `${host}/api/identity/oauth2/uma/resourceregistration/v1.0/resource`,
      permission_endpoint: `${host}/api/identity/oauth2/uma/permission/v1.0/permission`,
    },
  })
  closers.push(() => rs.close())
  return rs
}

function bob(as: DevServer, claims = true) {
  return createUmaFetch({
    trustedIssuers: [as.issuer],
    clientId: 'bob-app',
    clientSecret: 'bob-app-secret',
    metadata: { [as.issuer]: { token_endpoint: as.metadata.token_endpoint } },
    ...(claims
      ? {
          claims: () =>
            Promise.resolve({ claim_token: bobIdToken, claim_token_format: ID_TOKEN_FORMAT }),
        }
      : {}),
  })
}

describe('uma-kit against the WSO2 shape, configured with metadata only', () => {
  it('registers, reads, updates (201), lists and deletes resources, and makes no discovery', async () => {
    const as = await wso2()
    const rs = wso2Rs(as)
    const photo = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] })
    expect(
      await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view', 'print'] }),
    ).toBe(photo)
    expect(await rs.resources.read(photo)).toMatchObject({
      _id: photo,
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    const { _id: album } = await rs.resources.create({ name: 'album', resource_scopes: ['view'] })
    await rs.resources.update(album, { name: 'album', resource_scopes: ['view', 'print'] })
    expect(await rs.resources.list()).toEqual([photo, album])
    await rs.resources.delete(album)
    expect(await rs.resources.list()).toEqual([photo])
    expect(as.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['resource_registered', 'resource_updated', 'resource_deleted']),
    )
  })

  it("gives Bob's client the photo: the ID token pushed with the ticket, the RPT introspected with the PAT", async () => {
    const as = await wso2()
    const rs = wso2Rs(as)
    const url = await servePhoto(
      rs,
      await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view', 'print'] }),
      closers,
    )
    const challenged = await fetch(url)
    expect(challenged.status).toBe(401)
    expect(challenged.headers.get('www-authenticate')).toContain(`as_uri="${as.issuer}"`)
    const fetchAsBob = bob(as)
    const res = await fetchAsBob(url)
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
    expect(as.events.find((e) => e.type === 'rpt_issued')?.message).toBe(
      'RPT issued to bob-app for bob: photo.jpg [view]',
    )
    // the cached RPT serves the next request without the AS
    const before = as.events.length
    expect((await fetchAsBob(url)).status).toBe(200)
    expect(as.events.length).toBe(before)
  })

  it('fails with invalid_grant, after one fresh ticket, when no ID token is pushed', async () => {
    const as = await wso2()
    const rs = wso2Rs(as)
    const url = await servePhoto(
      rs,
      await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] }),
      closers,
    )
    const err: unknown = await bob(
      as,
      false,
    )(url).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isUmaError(err) && err.code).toBe('invalid_grant')
    expect(as.events.filter((e) => e.type === 'invalid_grant')).toHaveLength(2)
  })
})
