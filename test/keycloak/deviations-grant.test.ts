/**
 * Where Keycloak 26.7.3's token endpoint and introspection depart from what
 * /work/shared/design/wire.md §6.1 records, each shown on the wire and with what uma-kit makes
 * of it.
 */
import { isUmaError } from '@uma-kit/client'
import { parseUmaChallenge } from '@uma-kit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { party } from './support/parties.js'
import { startPhotoRs } from './support/photo-rs.js'
import { RS } from './support/realm.js'
import { login } from './support/tokens.js'

const tokenEndpoint = `${issuer}/protocol/openid-connect/token`

describe("Keycloak 26.7.3's grant and introspection against wire.md §6.1", () => {
  let rs: Awaited<ReturnType<typeof startPhotoRs>>
  let photoId: string
  beforeAll(async () => {
    rs = await startPhotoRs()
    photoId = rs.ids.get('photo.jpg') ?? ''
  })
  afterAll(async () => {
    await rs.rs.resources.delete(photoId)
    await rs.close()
  })

  it('leaves permissions out of introspection unless the hint is requesting_party_token', async () => {
    const bob = party('bob', 'bob-app')
    expect((await bob.fetch(rs.photo())).status).toBe(200)
    const rpt = bob.lastRpt() ?? ''
    const introspect = async (hint?: string) => {
      const form = new URLSearchParams({ token: rpt })
      if (hint !== undefined) form.set('token_type_hint', hint)
      const basic = Buffer.from(`${RS.id}:${RS.secret}`).toString('base64')
      const res = await fetch(`${issuer}/protocol/openid-connect/token/introspect`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Basic ${basic}` },
      })
      return (await res.json()) as Record<string, unknown>
    }
    for (const hint of [undefined, 'access_token']) {
      const answer = await introspect(hint)
      expect(answer.active).toBe(true)
      expect(answer).not.toHaveProperty('authorization')
      expect(answer).not.toHaveProperty('permissions')
    }
    expect((await introspect('requesting_party_token')).permissions).toEqual([
      expect.objectContaining({ rsid: photoId, resource_id: photoId, scopes: ['view'] }),
    ])
    // so uma-kit's default hint sees no permission and answers a valid RPT with a new challenge
    const defaults = await startPhotoRs({ resourceServer: { introspectionHint: 'access_token' } })
    try {
      const res = await fetch(defaults.photo(), { headers: { authorization: `Bearer ${rpt}` } })
      expect(res.status).toBe(401)
      expect(parseUmaChallenge(res.headers.get('www-authenticate'))?.asUri).toBe(issuer)
    } finally {
      await defaults.close()
    }
  })

  it("answers a requesting party's token it refuses with 400 invalid_grant, not 401", async () => {
    const ticket = parseUmaChallenge((await fetch(rs.photo())).headers.get('www-authenticate'))
    const res = await fetch(tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket',
        ticket: ticket?.ticket ?? '',
      }),
      headers: { authorization: 'Bearer not-a-token' },
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
    // uma-kit reads it as a stale ticket: one more visit to the RS, then invalid_grant
    const bob = party('bob', 'bob-app', { requestingPartyToken: () => Promise.resolve('nope') })
    const refused = await bob.fetch(rs.photo()).catch((err: unknown) => err)
    expect(isUmaError(refused) && refused.code).toBe('invalid_grant')
    expect(bob.grants.map((g) => g.status)).toEqual([400, 400])
  })

  it('answers a refusal with not_authorized only when the client sends submit_request=false', async () => {
    const { token } = await login('carol', 'carol-app')
    const ask = async (extra: Record<string, string>) => {
      const challenge = parseUmaChallenge((await fetch(rs.photo())).headers.get('www-authenticate'))
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket',
          ticket: challenge?.ticket ?? '',
          ...extra,
        }),
        headers: { authorization: `Bearer ${token}` },
      })
      return [res.status, await res.json()] as const
    }
    expect(await ask({})).toEqual([
      403,
      { error: 'access_denied', error_description: 'request_submitted' },
    ])
    expect(await ask({ submit_request: 'false' })).toEqual([
      403,
      { error: 'access_denied', error_description: 'not_authorized' },
    ])
  })
})
