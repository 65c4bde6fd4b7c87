/**
 * An RPT past its `exp` opens nothing, whether the RS introspects it (Keycloak then calls it
 * inactive, and uma-kit's cache never outlives the RPT) or checks the JWT itself. bob-app-brief's
 * tokens, and so the RPTs Keycloak issues to it, live 6 s.
 */
import { parseUmaChallenge } from '@uma-kit/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { party } from './support/parties.js'
import { startPhotoRs } from './support/photo-rs.js'
import { BRIEF_APP_SECONDS, jwtPayload } from './support/realm.js'
import { pastExpiry } from './support/wait.js'

const bearer = (rpt: string) => ({ headers: { authorization: `Bearer ${rpt}` } })

describe.each(['introspect', 'jwt'] as const)('an expired RPT with rptValidation %s', (mode) => {
  let rs: Awaited<ReturnType<typeof startPhotoRs>>
  beforeAll(async () => {
    rs = await startPhotoRs({ rptValidation: mode })
  })
  afterAll(async () => {
    await rs.rs.resources.delete(rs.ids.get('photo.jpg') ?? '')
    await rs.close()
  })

  it('is honoured until its exp, then answered with 401 and a fresh ticket', async () => {
    const bob = party('bob', 'bob-app-brief')
    expect((await bob.fetch(rs.photo())).status).toBe(200)
    const rpt = bob.lastRpt() ?? ''
    const { iat, exp } = jwtPayload(rpt) as { iat: number; exp: number }
    expect(exp - iat).toBe(BRIEF_APP_SECONDS)
    // checked once more while alive (introspection: now from the cache)
    expect((await fetch(rs.photo(), bearer(rpt))).status).toBe(200)

    await pastExpiry(rpt)
    const late = await fetch(rs.photo(), bearer(rpt))
    expect(late.status).toBe(401)
    const challenge = parseUmaChallenge(late.headers.get('www-authenticate'))
    expect(challenge?.asUri).toBe(issuer)
    expect(jwtPayload(challenge?.ticket ?? '').permissions).toEqual([
      { rsid: rs.ids.get('photo.jpg'), scopes: ['view'] },
    ])

    // umaFetch trades the challenge for a new RPT by itself (a fresh login of Bob's, too)
    expect((await bob.fetch(rs.photo())).status).toBe(200)
    expect(bob.grants.map((g) => g.status)).toEqual([200, 200])
    expect(bob.lastRpt()).not.toBe(rpt)
  })
})
