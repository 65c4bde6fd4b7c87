/**
 * @uma-kit/client against a resource server protected by the development AS in Apereo CAS's
 * shape (wire.md §6.2): the client must find CAS's `rpt_endpoint` in its UMA 1.0 discovery
 * document and send CAS's JSON request there (`grant_type`, `ticket`, `rpt`, `claim_token`,
 * `claim_token_format`) with a bearer AAT (a token of scope `uma_authorization`), then read
 * `{"rpt": …}`. Until the client speaks that request, these tests fail: it posts the form-encoded
 * grant to the token endpoint, which CAS does not take.
 */
import { createUmaFetch } from '@uma-kit/client'
import { startDevServer, type DevServer } from '@uma-kit/dev-server'
import { createResourceServer } from '@uma-kit/resource-server'
import { afterEach, describe, expect, it } from 'vitest'
import { servePhoto } from './support.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function casStack(): Promise<{ as: DevServer; url: string }> {
  const as = await startDevServer({ shape: 'cas' })
  closers.push(() => as.close())
  const rs = createResourceServer({
    issuer: as.issuer,
    clientId: 'photo-rs',
    clientSecret: 'photo-rs-secret',
    permissionRequestFormat: 'object',
  })
  closers.push(() => rs.close())
  const photoId = await rs.resources.ensure({
    name: 'photo.jpg',
    resource_scopes: ['view', 'print'],
  })
  return { as, url: await servePhoto(rs, photoId, closers) }
}

describe('the client against the CAS shape', () => {
  it('gets the photo with its client credentials (an AAT, then CAS’s JSON rptAuthzRequest)', async () => {
    const { as, url } = await casStack()
    const umaFetch = createUmaFetch({
      trustedIssuers: [as.issuer],
      clientId: 'bob-app',
      clientSecret: 'bob-app-secret',
    })
    const res = await umaFetch(url)
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
    expect(as.events.map((e) => e.type)).toContain('rpt_issued')
  })

  it('gets the photo with an AAT given as requestingPartyToken', async () => {
    const { as, url } = await casStack()
    const aat = await fetch(as.metadata.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('bob-app:bob-app-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'uma_authorization' }),
    })
    const { access_token: token } = (await aat.json()) as { access_token: string }
    const umaFetch = createUmaFetch({
      trustedIssuers: [as.issuer],
      clientId: 'bob-app',
      requestingPartyToken: () => Promise.resolve(token),
    })
    const res = await umaFetch(url)
    expect(res.status).toBe(200)
  })
})
