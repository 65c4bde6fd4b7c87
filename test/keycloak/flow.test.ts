/**
 * The photo scenario against a real Keycloak: Alice's RS registers photo.jpg, Bob views it
 * (401, ticket, RPT, 200), Bob's print goes to Alice as a pending request that she approves
 * through Keycloak's account API, Carol gets nothing. Once with introspection, once with JWT
 * RPTs checked against Keycloak's keys.
 */
import { isUmaError } from '@uma-kit/client'
import { parseUmaChallenge } from '@uma-kit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { approveTicket, ownerConsole } from './support/owner-console.js'
import { party } from './support/parties.js'
import { startPhotoRs } from './support/photo-rs.js'
import { USER_IDS, jwtPayload, rptPermissions } from './support/realm.js'
import { ownerPat } from './support/tokens.js'

const print = { method: 'POST' }

describe.each(['introspect', 'jwt'] as const)(
  'the photo scenario with rptValidation %s',
  (mode) => {
    let rs: Awaited<ReturnType<typeof startPhotoRs>>
    let photoId: string
    const alice = ownerConsole('alice')
    const bob = party('bob', 'bob-app')

    beforeAll(async () => {
      rs = await startPhotoRs({ rptValidation: mode })
      photoId = rs.ids.get('photo.jpg') ?? ''
    })
    afterAll(async () => {
      // deleting the resource drops its permission tickets too: the next run starts clean
      await rs.rs.resources.delete(photoId)
      await rs.close()
    })

    it("registers photo.jpg as Alice's owner-managed resource, and ensure finds it again", async () => {
      const read = await rs.rs.resources.read(photoId)
      expect(read).toMatchObject({ name: 'photo.jpg', ownerManagedAccess: true })
      // created with Alice's PAT: the PAT's subject owns it (Keycloak reads owners back by id only)
      expect(read.owner).toEqual({ id: USER_IDS.alice })
      expect([...read.resource_scopes].sort()).toEqual(['print', 'view'])
      await rs.register()
      expect(rs.ids.get('photo.jpg')).toBe(photoId)
      expect((await alice.resources()).map((r) => r._id)).toContain(photoId)
    })

    it('answers a request without a token with 401 and a ticket Keycloak issued for it', async () => {
      const res = await fetch(rs.photo())
      expect(res.status).toBe(401)
      const challenge = parseUmaChallenge(res.headers.get('www-authenticate'))
      expect(challenge).toMatchObject({ realm: 'photos', asUri: issuer })
      // Keycloak's ticket is a signed JWT naming the RS (azp) and the owner whose PAT asked (sub)
      expect(jwtPayload(challenge?.ticket ?? '')).toMatchObject({
        aud: issuer,
        azp: 'photo-rs',
        sub: USER_IDS.alice,
        permissions: [{ rsid: photoId, scopes: ['view'] }],
      })
    })

    it('gives Bob the photo: his token and pushed claims buy an RPT from Keycloak, then 200', async () => {
      const res = await bob.fetch(rs.photo())
      expect(res.status).toBe(200)
      expect(bob.grants.map((g) => g.status)).toEqual([200])
      expect(bob.grants[0]?.body.upgraded).toBe(false)
      const rpt = bob.lastRpt() ?? ''
      expect(jwtPayload(rpt)).toMatchObject({ sub: USER_IDS.bob, azp: 'bob-app', aud: 'photo-rs' })
      expect(rptPermissions(rpt)).toEqual([
        { rsid: photoId, rsname: 'photo.jpg', scopes: ['view'], claims: { purpose: ['personal'] } },
      ])
      // the RPT is kept: the next view costs Keycloak nothing at the token endpoint
      expect((await bob.fetch(rs.photo())).status).toBe(200)
      expect(bob.grants).toHaveLength(1)
    })

    it("passes Bob's print to Alice, who approves it; his upgraded RPT then prints", async () => {
      const refused = await bob.fetch(rs.photo() + '/print', print).catch((err: unknown) => err)
      expect(isUmaError(refused) && refused.code).toBe('request_submitted')
      expect(bob.grants.at(-1)).toMatchObject({
        status: 403,
        body: { error: 'access_denied', error_description: 'request_submitted' },
      })
      expect(rs.printed).toEqual([])

      expect(await alice.pendingRequests(photoId)).toContainEqual(
        expect.objectContaining({ username: 'bob', scopes: ['print'] }),
      )
      // Alice approves in her account (account API), or through the Protection API's tickets
      if (mode === 'introspect') await alice.share(photoId, 'bob', ['print'])
      else await approveTicket(ownerPat('alice'), photoId, 'bob', 'print')
      expect(await alice.pendingRequests(photoId)).not.toContainEqual(
        expect.objectContaining({ username: 'bob' }),
      )

      const printed = await bob.fetch(rs.photo() + '/print', print)
      expect(printed.status).toBe(202)
      expect(rs.printed).toEqual(['photo.jpg'])
      const last = bob.grants.at(-1)
      expect(last?.body.upgraded).toBe(true)
      // the old RPT went along for the upgrade
      expect(last?.sent.rpt).toBeDefined()
      const scopes = rptPermissions(bob.lastRpt() ?? '').flatMap((p) => p.scopes ?? [])
      expect(scopes.sort()).toEqual(['print', 'view'])

      const grantsBefore = bob.grants.length
      expect((await bob.fetch(rs.photo())).status).toBe(200)
      expect(bob.grants).toHaveLength(grantsBefore)
    })

    it('never lets Carol in: Keycloak turns her refusal into a request waiting for Alice', async () => {
      const carol = party('carol', 'carol-app')
      for (let attempt = 0; attempt < 2; attempt++) {
        const refused = await carol.fetch(rs.photo()).catch((err: unknown) => err)
        // a ticket makes Keycloak submit a request for any refusal; uma-kit cannot ask otherwise
        expect(isUmaError(refused) && refused.code).toBe('request_submitted')
      }
      expect(carol.lastRpt()).toBeUndefined()
      expect(carol.grants.map((g) => g.body.error_description)).toEqual([
        'request_submitted',
        'request_submitted',
      ])
      expect(await alice.pendingRequests(photoId)).toContainEqual(
        expect.objectContaining({ username: 'carol', scopes: ['view'] }),
      )
    })
  },
)
