/**
 * Where Keycloak 26.7.3's Protection API (PATs, resource registration, permission requests)
 * departs from what /work/shared/design/wire.md §6.1 records, each shown on the wire and with
 * what uma-kit makes of it.
 */
import { isUmaError } from '@uma-kit/client'
import { createResourceServer } from '@uma-kit/resource-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { startPhotoRs } from './support/photo-rs.js'
import { RS, USER_IDS, jwtPayload } from './support/realm.js'
import { clientPat, ownerPat } from './support/tokens.js'

const uma = `${issuer}/authz/protection`
const json = (pat: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { authorization: `Bearer ${pat}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe("Keycloak 26.7.3's Protection API against wire.md §6.1", () => {
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

  it('refuses a PAT request for scope uma_protection (a client role here), which uma-kit then asks again without', async () => {
    const basic = Buffer.from(`${RS.id}:${RS.secret}`).toString('base64')
    const res = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'uma_protection' }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_scope' })
    // uma-kit's default patScope falls back to none after that refusal
    const defaults = createResourceServer({ issuer, clientId: RS.id, clientSecret: RS.secret })
    try {
      expect(Array.isArray(await defaults.resources.list())).toBe(true)
    } finally {
      await defaults.close()
    }
  })

  it("ignores owner in a registration with the RS's own PAT: the PAT's subject owns it", async () => {
    const own = createResourceServer({
      issuer,
      clientId: RS.id,
      clientSecret: RS.secret,
    })
    try {
      const { _id } = await own.resources.create({
        name: 'owner-test.jpg',
        owner: 'alice',
        resource_scopes: ['view'],
      })
      const read = await own.resources.read(_id)
      expect(read.owner).not.toEqual({ id: USER_IDS.alice })
      await own.resources.delete(_id)
    } finally {
      await own.close()
    }
  })

  it("shows a user's PAT only that user's resources, and refuses reading another's", async () => {
    const dave = createResourceServer({
      issuer,
      clientId: RS.id,
      clientSecret: RS.secret,
      pat: ownerPat('dave'),
    })
    try {
      expect(await dave.resources.list()).not.toContain(photoId)
      const refused = await dave.resources.read(photoId).catch((err: unknown) => err)
      expect(isUmaError(refused) && [refused.code, refused.asStatus]).toEqual(['unauthorized', 403])
    } finally {
      await dave.close()
    }
  })

  it('refuses a bad or expired PAT with 403 invalid_bearer_token, not 401', async () => {
    const pat = await clientPat()
    const res = await fetch(`${uma}/permission`, json(`${pat.slice(0, -6)}AAAAAA`, []))
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(await res.json()).toMatchObject({ error: 'invalid_bearer_token' })
  })

  it("resolves a resource name in a permission request among the PAT subject's resources only", async () => {
    const byName = [{ resource_id: 'photo.jpg', resource_scopes: ['view'] }]
    const asAlice = await fetch(`${uma}/permission`, json(await ownerPat('alice')(), byName))
    expect(asAlice.status).toBe(201)
    const { ticket } = (await asAlice.json()) as { ticket: string }
    expect(jwtPayload(ticket).permissions).toEqual([{ rsid: photoId, scopes: ['view'] }])
    // the RS's own PAT finds only resources the RS owns
    const asRs = await fetch(`${uma}/permission`, json(await clientPat(), byName))
    expect(asRs.status).toBe(400)
    expect(await asRs.json()).toMatchObject({ error: 'invalid_resource_id' })
  })
})
