/**
 * `resources.ensure` with an `owner`: Keycloak keeps names unique per owner only, so an RS that
 * registers for several owners (its own PAT lists every owner's resources) must find the
 * resource of the owner it names, not another owner's resource of the same name.
 */
import { createResourceServer, type ResourceServer } from '@uma-kit/resource-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { RS } from './support/realm.js'
import { ownerPat } from './support/tokens.js'

describe('resources.ensure with an owner, on the RS’s own PAT', () => {
  let own: ResourceServer
  let alices: ResourceServer
  const created: [ResourceServer, string][] = []
  beforeAll(() => {
    own = createResourceServer({
      issuer,
      clientId: RS.id,
      clientSecret: RS.secret,
    })
    alices = createResourceServer({
      issuer,
      clientId: RS.id,
      clientSecret: RS.secret,
      pat: ownerPat('alice'),
    })
  })
  afterAll(async () => {
    for (const [rs, id] of created) await rs.resources.delete(id)
    await own.close()
    await alices.close()
  })

  it("finds Alice's album.jpg, not the RS's own album.jpg registered before it", async () => {
    const rsOwned = await own.resources.create({ name: 'album.jpg', resource_scopes: ['view'] })
    created.push([own, rsOwned._id])
    const hers = await alices.resources.create({
      name: 'album.jpg',
      ownerManagedAccess: true,
      resource_scopes: ['view'],
    })
    created.push([alices, hers._id])
    const found = await own.resources.ensure({
      name: 'album.jpg',
      owner: 'alice',
      resource_scopes: ['view'],
    })
    expect(found).toBe(hers._id)
  })
})
