import { decodeJwt, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import {
  checkConfig,
  createDevServer,
  loadConfig,
  PHOTOS_CONFIG_URL,
  type DevServer,
} from '../src/index.js'
import { BOB, CAROL, RS, UMA_GRANT, basic, callJson, clientToken, postForm } from './helpers.js'

let as: DevServer | undefined
afterEach(async () => {
  await as?.close()
  as = undefined
})

/** The photo demo, plus Dave and his own RS, who may both name a resource photo.jpg. */
async function config() {
  const photos = await loadConfig(PHOTOS_CONFIG_URL)
  return checkConfig({
    ...photos,
    owners: { ...photos.owners, dave: { password: 'dave-password' } },
    clients: {
      ...photos.clients,
      'dave-rs': { secret: 'dave-rs-secret', resourceServerFor: 'dave' },
    },
  })
}

async function keycloak() {
  as = await createDevServer({ config: await config(), shape: 'keycloak' })
  const issuer = await as.listen(0)
  const meta = as.metadata
  const pat = await clientToken(meta.token_endpoint, RS)
  const created = await callJson('POST', meta.resource_registration_endpoint, `Bearer ${pat}`, {
    name: 'photo.jpg',
    resource_scopes: ['view', 'print'],
  })
  const ticketFor = async (resourceId: string, scopes: string[]) => {
    const answer = await callJson('POST', meta.permission_endpoint, `Bearer ${pat}`, [
      { resource_id: resourceId, resource_scopes: scopes },
    ])
    return { status: answer.status, ticket: String(answer.json.ticket), error: answer.json.error }
  }
  const grant = (auth: string, params: Record<string, string>) =>
    postForm(meta.token_endpoint, auth, { grant_type: UMA_GRANT, ...params })
  return { server: as, issuer, meta, pat, id: String(created.json._id), ticketFor, grant }
}

describe("Keycloak's tickets", () => {
  it('are JWTs reusable until their exp, which is the PAT’s', async () => {
    const { server, id, ticketFor, grant } = await keycloak()
    const { ticket } = await ticketFor(id, ['view'])
    const claims = decodeJwt(ticket)
    const [pat] = [...server.state.pats.values()]
    expect(claims.exp).toBe(pat?.expiresAt)
    const first = await grant(BOB, { ticket })
    const second = await grant(BOB, { ticket })
    expect([first.status, second.status]).toEqual([200, 200])
    expect(first.json.access_token).not.toBe(second.json.access_token)
    expect(server.state.tickets.size).toBe(0)
  })

  it('are refused with 403 invalid_ticket once expired, forged, or when an RPT stands in', async () => {
    const { server, id, ticketFor, grant } = await keycloak()
    const { ticket } = await ticketFor(id, ['view'])
    const rpt = String((await grant(BOB, { ticket })).json.access_token)
    expect((await grant(BOB, { ticket: rpt })).json).toEqual({
      error: 'invalid_ticket',
      error_description: 'Ticket is invalid or expired',
    })
    const { privateKey } = await generateKeyPair('ES256')
    const forged = await new SignJWT({
      typ: 'uma-kit-dev-server-ticket',
      azp: 'photo-rs',
      permissions: [{ rsid: id, scopes: ['print'] }],
    })
      .setProtectedHeader({ alg: 'ES256', kid: server.state.kid })
      .setIssuer(server.issuer)
      .setExpirationTime('1h')
      .sign(privateKey)
    const refused = await grant(BOB, { ticket: forged })
    expect([refused.status, refused.json.error]).toEqual([403, 'invalid_ticket'])
    const realNow = server.state.now
    const pat = [...server.state.pats.values()][0]
    server.state.now = () => (pat?.expiresAt ?? 0) + 1
    try {
      expect((await grant(BOB, { ticket })).json.error).toBe('invalid_ticket')
    } finally {
      server.state.now = realNow
    }
    expect(server.events.filter((e) => e.type === 'invalid_grant')).toHaveLength(3)
  })

  it('take a resource name where an id is expected, among the PAT owner’s resources only', async () => {
    const { meta, id, ticketFor, grant } = await keycloak()
    // Dave registers a photo.jpg of his own, through his own RS
    const davePat = await clientToken(meta.token_endpoint, basic('dave-rs', 'dave-rs-secret'))
    const daves = await callJson('POST', meta.resource_registration_endpoint, `Bearer ${davePat}`, {
      name: 'photo.jpg',
      resource_scopes: ['view'],
    })
    expect(daves.json._id).not.toBe(id)
    const byName = await ticketFor('photo.jpg', ['view'])
    expect(byName.status).toBe(201)
    const granted = await grant(BOB, { ticket: byName.ticket })
    const rpt = decodeJwt(String(granted.json.access_token))
    expect(rpt.authorization).toEqual({
      permissions: [{ rsid: id, rsname: 'photo.jpg', scopes: ['view'] }],
    })
    expect((await ticketFor('album.jpg', ['view'])).error).toBe('invalid_resource_id')
    // Carol's denial is Keycloak's access_denied, not the spec's request_denied
    const denied = await grant(CAROL, { ticket: byName.ticket })
    expect(denied.json).toEqual({ error: 'access_denied', error_description: 'not_authorized' })
  })
})
