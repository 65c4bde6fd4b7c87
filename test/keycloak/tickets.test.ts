/**
 * Keycloak's permission tickets are stateless signed JWTs: usable again until their `exp`, which
 * is the `exp` of the PAT that asked for them. What uma-kit does with a ticket used twice, with
 * one in the wrong hands, and with an expired one.
 */
import { isUmaError } from '@uma-kit/client'
import { parseUmaChallenge } from '@uma-kit/core'
import { Router } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuer } from './support/context.js'
import { party, umaClient } from './support/parties.js'
import { listen, type App } from './support/app.js'
import { createPhotoRs, startPhotoRs, type PhotoRs } from './support/photo-rs.js'
import { BRIEF_RS, VIEW_CLAIMS, claimToken, jwtPayload } from './support/realm.js'
import { pastExpiry } from './support/wait.js'

const pushed = claimToken(VIEW_CLAIMS)
const claims = { claimToken: pushed.claim_token, claimTokenFormat: pushed.claim_token_format }

async function challengeOf(url: string): Promise<{ header: string; ticket: string }> {
  const res = await fetch(url)
  expect(res.status).toBe(401)
  const header = res.headers.get('www-authenticate') ?? ''
  return { header, ticket: parseUmaChallenge(header)?.ticket ?? '' }
}

/** An RS that answers the next request without a token with a challenge it kept. */
function replaying(): { router: Router; next: (header: string) => void } {
  let kept: string | undefined
  const router = Router()
  router.use('/photos/:name', (req, res, next) => {
    if (req.headers.authorization !== undefined || kept === undefined) return next()
    res.status(401).set('www-authenticate', kept).end()
    kept = undefined
  })
  return { router, next: (header) => (kept = header) }
}

describe("Keycloak's tickets with uma-kit", () => {
  let rs: Awaited<ReturnType<typeof startPhotoRs>>
  beforeAll(async () => {
    rs = await startPhotoRs()
  })
  afterAll(async () => {
    await rs.rs.resources.delete(rs.ids.get('photo.jpg') ?? '')
    await rs.close()
  })

  it('asks Keycloak for a new ticket at every challenge, never one it kept', async () => {
    const first = await challengeOf(rs.photo())
    const second = await challengeOf(rs.photo())
    expect(second.ticket).not.toBe(first.ticket)
    expect(jwtPayload(second.ticket).jti).not.toBe(jwtPayload(first.ticket).jti)
  })

  it('gets an RPT for the same ticket twice: Keycloak does not spend tickets', async () => {
    const { ticket } = await challengeOf(rs.photo())
    const bob = umaClient('bob', 'bob-app')
    const once = await bob.getRpt({ asUri: issuer, ticket, ...claims })
    const twice = await bob.getRpt({ asUri: issuer, ticket, ...claims })
    expect(twice.rpt).not.toBe(once.rpt)
    expect(bob.grants.map((g) => g.status)).toEqual([200, 200])
  })

  it("gives Carol nothing with Bob's ticket: the ticket names the resource, not the party", async () => {
    const { ticket } = await challengeOf(rs.photo())
    await umaClient('bob', 'bob-app').getRpt({ asUri: issuer, ticket, ...claims })
    const carol = umaClient('carol', 'carol-app')
    const refused = await carol
      .getRpt({ asUri: issuer, ticket, ...claims })
      .catch((e: unknown) => e)
    expect(isUmaError(refused) && refused.code).toBe('request_submitted')
  })

  it('gets the photo through an RS that answers with a ticket already used', async () => {
    const replay = replaying()
    const app = await listen(replay.router, rs.router)
    try {
      const { header, ticket } = await challengeOf(rs.photo())
      await umaClient('bob', 'bob-app').getRpt({ asUri: issuer, ticket, ...claims })
      replay.next(header)
      const bob = party('bob', 'bob-app')
      expect((await bob.fetch(`${app.url}/photos/photo.jpg`)).status).toBe(200)
      expect(bob.grants.map((g) => [g.status, g.sent.ticket === ticket])).toEqual([[200, true]])
    } finally {
      await app.close()
    }
  })
})

describe('an expired ticket (photo-rs-brief: 8-second PATs, so 8-second tickets)', () => {
  let brief: PhotoRs
  let app: App
  const replay = replaying()
  beforeAll(async () => {
    brief = createPhotoRs({ client: BRIEF_RS })
    await brief.register()
    app = await listen(replay.router, brief.router)
  })
  afterAll(async () => {
    await app.close()
    await brief.rs.resources.delete(brief.ids.get('photo.jpg') ?? '')
    await brief.rs.close()
  })

  it('is refused by Keycloak as invalid_ticket, which uma-kit reads as invalid_grant', async () => {
    const { ticket } = await challengeOf(`${app.url}/photos/photo.jpg`)
    const { iat, exp } = jwtPayload(ticket) as { iat: number; exp: number }
    // the RS asked with a fresh PAT: its tickets get the PAT's whole life
    expect(exp - iat).toBe(8)
    await pastExpiry(ticket)
    const bob = umaClient('bob', 'bob-app')
    const refused = await bob.getRpt({ asUri: issuer, ticket }).catch((e: unknown) => e)
    expect(isUmaError(refused) && refused.code).toBe('invalid_grant')
    expect(bob.grants.map((g) => [g.status, g.body.error])).toEqual([[403, 'invalid_ticket']])
  })

  it('makes umaFetch come back to the RS once for a fresh ticket, and then get the photo', async () => {
    const stale = await challengeOf(`${app.url}/photos/photo.jpg`)
    await pastExpiry(stale.ticket)
    replay.next(stale.header)
    const bob = party('bob', 'bob-app')
    expect((await bob.fetch(`${app.url}/photos/photo.jpg`)).status).toBe(200)
    expect(bob.grants.map((g) => [g.status, g.body.error])).toEqual([
      [403, 'invalid_ticket'],
      [200, undefined],
    ])
  })
})
