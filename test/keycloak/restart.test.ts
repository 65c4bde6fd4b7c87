/**
 * Keycloak stopped and started again on the same port, mid-run. While it is down, RPTs the RS
 * has already checked are served (from the introspection cache, or by the JWT's signature) and
 * everything that needs Keycloak fails closed with 403 and UMA's Warning. The in-memory Keycloak
 * comes back with the realm file only: users (fixed ids), clients and policies survive; sessions,
 * signing keys and whatever was registered at run time (photos, approvals) do not. So the tests
 * show what breaks after the restart, and what brings each piece back.
 */
import { isUmaError } from '@uma-kit/client'
import { UNREACHABLE_WARNING } from '@uma-kit/resource-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeycloak, stopKeycloak } from './support/context.js'
import { party } from './support/parties.js'
import { startPhotoRs } from './support/photo-rs.js'
import { ownerPat } from './support/tokens.js'

const bearer = (rpt: string) => ({ headers: { authorization: `Bearer ${rpt}` } })
type Rs = Awaited<ReturnType<typeof startPhotoRs>>

describe('Keycloak restarted mid-run', () => {
  let introspecting: Rs
  let checking: Rs
  let own: Rs
  // Alice's PAT for her two RSs: kept until she signs in again
  const alicePat = ownerPat('alice')
  const bob = party('bob', 'bob-app')
  let rpt = ''

  beforeAll(async () => {
    introspecting = await startPhotoRs({
      pat: alicePat,
      // checked RPTs are kept up to 10 minutes, longer than a slow restart
      resourceServer: { cache: { maxTtlSeconds: 600 } },
    })
    checking = await startPhotoRs({ pat: alicePat, rptValidation: 'jwt' })
    // an RS on its own client-credentials PAT (it then owns its photo itself)
    own = await startPhotoRs({ pat: 'client-credentials', photos: ['poster.jpg'] })
    expect(checking.ids).toEqual(introspecting.ids)
    expect((await bob.fetch(introspecting.photo())).status).toBe(200)
    rpt = bob.lastRpt() ?? ''
    // the JWT RS fetches Keycloak's keys now, with the first RPT it checks
    expect((await fetch(checking.photo(), bearer(rpt))).status).toBe(200)
    expect((await bob.fetch(own.photo('poster.jpg'))).status).toBe(200)
  })
  afterAll(async () => {
    for (const rs of [introspecting, own]) {
      const id = [...rs.ids.values()][0] ?? ''
      // after a failure the PAT may be a dead one: cleaning up must not hide the failure
      await rs.rs.resources.delete(id).catch(() => undefined)
    }
    for (const rs of [introspecting, checking, own]) await rs.close()
  })

  it('serves checked RPTs while Keycloak is down, and answers 403 with the Warning where it needs it', async () => {
    await stopKeycloak()
    for (const rs of [introspecting, checking]) {
      expect((await fetch(rs.photo(), bearer(rpt))).status).toBe(200)
      // no RPT, or one that lacks print: a ticket is needed, and no one can issue it
      for (const res of [
        await fetch(rs.photo()),
        await fetch(`${rs.photo()}/print`, { method: 'POST', ...bearer(rpt) }),
      ]) {
        expect(res.status).toBe(403)
        expect(res.headers.get('warning')).toBe(UNREACHABLE_WARNING)
        expect(res.headers.get('www-authenticate')).toBeNull()
      }
    }
    // an RPT the introspecting RS has not checked yet cannot be checked now
    const unknown = await fetch(introspecting.photo(), bearer(`${rpt.slice(0, -4)}AAAA`))
    expect(unknown.status).toBe(403)
    expect(unknown.headers.get('warning')).toBe(UNREACHABLE_WARNING)
    // umaFetch hands such an answer back as it is
    expect((await bob.fetch(`${introspecting.photo()}/print`, { method: 'POST' })).status).toBe(403)
    expect(introspecting.printed).toEqual([])
  })

  it('recovers once Keycloak is back, as far as each piece of state is rebuilt', async () => {
    await startKeycloak()

    // Bob's RPT stays good where it was vouched for: the introspection cache, and the JWT RS's
    // copy of the old signing key (a JWT cannot be recalled before its exp)
    expect((await fetch(introspecting.photo(), bearer(rpt))).status).toBe(200)
    expect((await fetch(checking.photo(), bearer(rpt))).status).toBe(200)

    // a ticket for Alice's photo is asked for with her old PAT, which Keycloak now refuses;
    // uma-kit asks her pat() once more, gets the same: next(err), a 500
    const orphan = await fetch(checking.photo())
    expect(orphan.status).toBe(500)
    expect(checking.errors.at(-1)).toMatchObject({ code: 'unauthorized' })
    // Alice signs in again; her photo is gone from Keycloak, so her RSs register it again
    alicePat.reset()
    const oldId = introspecting.ids.get('photo.jpg')
    await introspecting.register()
    await checking.register()
    expect(introspecting.ids.get('photo.jpg')).not.toBe(oldId)
    expect(checking.ids).toEqual(introspecting.ids)

    // the RS on its own PAT renews it when Keycloak refuses it, and registers its poster again
    const oldPoster = own.ids.get('poster.jpg')
    await own.register()
    expect(own.ids.get('poster.jpg')).not.toBe(oldPoster)

    // Bob's token died with his session: Keycloak refuses it as the requesting party's token
    const refused = await bob.fetch(checking.photo()).catch((err: unknown) => err)
    expect(isUmaError(refused) && refused.code).toBe('invalid_grant')
    // signed in again, he gets a new RPT from the new Keycloak, good at every RS
    bob.token.reset()
    expect((await bob.fetch(checking.photo())).status).toBe(200)
    const fresh = bob.lastRpt() ?? ''
    expect(fresh).not.toBe(rpt)
    expect((await fetch(introspecting.photo(), bearer(fresh))).status).toBe(200)
    expect((await bob.fetch(own.photo('poster.jpg'))).status).toBe(200)
  }, 600_000)
})
