/**
 * @uma-kit/resource-server against the development AS in Apereo CAS's shape (wire.md §6.2):
 * discovery through CAS's UMA 1.0 `uma-configuration`, or endpoints set by hand; numeric
 * resource ids; 200 answers; one permission object per request; RPTs from CAS's JSON
 * rptAuthzRequest, checked by introspection.
 */
import { startDevServer, type DevServer } from '@uma-kit/dev-server'
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import { afterEach, describe, expect, it } from 'vitest'
import { servePhoto } from './support.js'

const RS_SECRET = 'photo-rs-secret'
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function casAs(): Promise<DevServer> {
  const as = await startDevServer({ shape: 'cas' })
  closers.push(() => as.close())
  return as
}

function casRs(as: DevServer, byHand = false): ResourceServer {
  const rs = createResourceServer({
    issuer: as.issuer,
    clientId: 'photo-rs',
    clientSecret: RS_SECRET,
    permissionRequestFormat: 'object',
    ...(byHand
      ? {
          metadata: {
            token_endpoint: as.metadata.token_endpoint,
            introspection_endpoint: as.metadata.introspection_endpoint,
            resource_registration_endpoint: as.metadata.resource_registration_endpoint,
            permission_endpoint: as.metadata.permission_endpoint,
          },
        }
      : {}),
  })
  closers.push(() => rs.close())
  return rs
}

/** An RPT from CAS's rptAuthzRequest: an AAT for Bob's app, then the JSON request. */
async function casRpt(as: DevServer, ticket: string): Promise<string> {
  const aat = await fetch(as.metadata.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('bob-app:bob-app-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'uma_authorization' }),
  })
  const { access_token: token } = (await aat.json()) as { access_token: string }
  const res = await fetch(as.metadata.rpt_endpoint ?? '', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket', ticket }),
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { rpt: string }).rpt
}

describe('the resource server against the CAS shape', () => {
  it.each([
    ['discovered through uma-configuration', false],
    ['configured with metadata', true],
  ])(
    'registers, reads, updates, lists and deletes resources with numeric ids (%s)',
    async (_how, byHand) => {
      const as = await casAs()
      const rs = casRs(as, byHand)
      const photo = await rs.resources.ensure({
        name: 'photo.jpg',
        resource_scopes: ['view', 'print'],
      })
      expect(photo).toBe('1')
      const album = await rs.resources.create({ name: 'album', resource_scopes: ['view'] })
      expect(album).toEqual({ _id: '2' })
      // CAS's entity calls them `scopes`: read as resource_scopes all the same
      expect(await rs.resources.read('2')).toMatchObject({
        _id: '2',
        name: 'album',
        resource_scopes: ['view'],
      })
      // CAS wants the id in the body of an update (wire.md pitfall 10): the RS adds it
      await rs.resources.update('2', { name: 'album', resource_scopes: ['view', 'print'] })
      expect(as.state.resources.get('2')?.resource_scopes).toEqual(['view', 'print'])
      expect(await rs.resources.list()).toEqual(['1', '2'])
      await rs.resources.delete('2')
      expect(await rs.resources.list()).toEqual(['1'])
      if (!byHand) {
        const metadata = await rs.metadata()
        expect(metadata.permission_endpoint).toBe(as.metadata.permission_endpoint)
      }
    },
  )

  it('challenges with a CAS ticket, and lets in an RPT from rptAuthzRequest', async () => {
    const as = await casAs()
    const rs = casRs(as)
    const photoId = await rs.resources.ensure({
      name: 'photo.jpg',
      resource_scopes: ['view', 'print'],
    })
    const url = await servePhoto(rs, photoId, closers)
    const challenged = await fetch(url)
    expect(challenged.status).toBe(401)
    const header = challenged.headers.get('www-authenticate') ?? ''
    expect(header).toContain(`as_uri="${as.issuer}"`)
    const ticket = /ticket="([^"]+)"/.exec(header)?.[1] ?? ''
    expect(as.state.tickets.get(ticket)?.permissions).toEqual([
      { resource_id: photoId, resource_scopes: ['view'] },
    ])
    const rpt = await casRpt(as, ticket)
    const allowed = await fetch(url, { headers: { authorization: `Bearer ${rpt}` } })
    expect([allowed.status, allowed.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
  })
})
