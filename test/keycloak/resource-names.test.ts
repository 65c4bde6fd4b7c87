/**
 * Guarding a route by a resource's name, as Keycloak users think of it
 * (`requireUmaScope('view', { resource: { name: 'photo.jpg' } })`). Keycloak's permission
 * endpoint takes a name where an id is expected, and its RPTs carry both `rsid` and `rsname`;
 * names are unique per owner only, so Dave's photo.jpg must never open Alice's. uma-kit resolves
 * the name to its id once, at this RS's AS with this RS's PAT, and decides by ids only.
 */
import { isUmaError } from '@uma-kit/client'
import { parseUmaChallenge } from '@uma-kit/core'
import { Router } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownerConsole } from './support/owner-console.js'
import { party } from './support/parties.js'
import { listen, type App } from './support/app.js'
import { createPhotoRs, type PhotoRs } from './support/photo-rs.js'
import { jwtPayload, rptPermissions } from './support/realm.js'

describe.each(['introspect', 'jwt'] as const)('a route guarded by name (%s)', (mode) => {
  let alice: PhotoRs
  let dave: PhotoRs
  let app: App
  beforeAll(async () => {
    // one photo service for both owners: each owner's photos through her own PAT
    alice = createPhotoRs({ owner: 'alice', rptValidation: mode })
    dave = createPhotoRs({ owner: 'dave', rptValidation: mode })
    await alice.register()
    await dave.register()
    const byName = Router()
    byName.get(
      '/by-name/photo.jpg',
      alice.rs.requireUmaScope('view', { resource: { name: 'photo.jpg' } }),
      (_req, res) => {
        res.json({ photo: 'photo.jpg', owner: 'alice' })
      },
    )
    app = await listen(['/alice', byName], ['/alice', alice.router], ['/dave', dave.router])
  })
  afterAll(async () => {
    await app.close()
    for (const rs of [alice, dave]) {
      await rs.rs.resources.delete(rs.ids.get('photo.jpg') ?? '')
      await rs.rs.close()
    }
  })

  it("challenges with a ticket for Alice's photo.jpg: Keycloak resolved the name", async () => {
    const res = await fetch(`${app.url}/alice/by-name/photo.jpg`)
    expect(res.status).toBe(401)
    const ticket = parseUmaChallenge(res.headers.get('www-authenticate'))?.ticket ?? ''
    expect(jwtPayload(ticket).permissions).toEqual([
      { rsid: alice.ids.get('photo.jpg'), scopes: ['view'] },
    ])
  })

  it("lets Bob view Alice's photo.jpg through the route guarded by its name", async () => {
    const bob = party('bob', 'bob-app')
    const res = await bob.fetch(`${app.url}/alice/by-name/photo.jpg`)
    expect(res.status).toBe(200)
    expect(rptPermissions(bob.lastRpt() ?? '')).toContainEqual(
      expect.objectContaining({ rsid: alice.ids.get('photo.jpg'), rsname: 'photo.jpg' }),
    )
  })

  it("never opens Alice's photo.jpg with a permission for Dave's photo.jpg", async () => {
    const daveId = dave.ids.get('photo.jpg') ?? ''
    await ownerConsole('dave').share(daveId, 'carol', ['view'])
    const carol = party('carol', 'carol-app')
    expect((await carol.fetch(`${app.url}/dave/photos/photo.jpg`)).status).toBe(200)
    const rpt = carol.lastRpt() ?? ''
    expect(rptPermissions(rpt)).toEqual([
      expect.objectContaining({ rsid: daveId, rsname: 'photo.jpg' }),
    ])

    // the RPT names "photo.jpg" too, but Dave's: Alice's route asks for her own again
    const direct = await fetch(`${app.url}/alice/by-name/photo.jpg`, {
      headers: { authorization: `Bearer ${rpt}` },
    })
    expect(direct.status).toBe(401)
    expect(direct.headers.get('www-authenticate')).toMatch(/^UMA /)
    // and with her fetch, Carol meets Keycloak's refusal: never Alice's photo
    const outcome = await carol.fetch(`${app.url}/alice/by-name/photo.jpg`).then(
      (r) => r.status,
      (err: unknown) => (isUmaError(err) ? err.code : String(err)),
    )
    expect(outcome).toBe('request_submitted')
  })
})
