/**
 * The scenario's steps after start-up, each with its expectations: Bob views and prints Alice's
 * photo through her AS, views Dave's through Dave's with the same `umaFetch`, views both again
 * from the RS's cache; Carol is denied.
 */
import { isUmaError } from '@uma-kit/client'
import { startApprovals } from './approvals.js'
import { expectDecidedBy, type Stage } from './stage.js'

/** Bob views Alice's photo for the first time. */
export async function bobViewsAlicesPhoto(stage: Stage): Promise<void> {
  const { log, run, alice } = stage
  log.step(
    "Bob views Alice's photo.jpg: no RPT yet, so the RS answers with a ticket from Alice's AS, and Bob trades it there for an RPT",
  )
  const since = run.mark()
  const viewed = await stage.bob(stage.url('photo.jpg'))
  run.expect(
    viewed.status === 200 && viewed.headers.get('content-type') === 'image/jpeg',
    `Bob sees the photo (${viewed.status})`,
  )
  const challenged = since.decisions().filter((d) => d.outcome === 'challenged')
  run.expect(
    challenged.length > 0 && challenged.every((d) => d.issuer === alice.issuer),
    `the RS's challenge named ${alice.label}, which protects photo.jpg`,
  )
  expectDecidedBy(stage, since, 'photo.jpg', alice, 'view', false)
}

/** Bob prints Alice's photo: claims, then Alice's approval, then an upgraded RPT. */
export async function bobPrintsAlicesPhoto(stage: Stage): Promise<void> {
  const { log, run, alice, rs } = stage
  log.step(
    "Bob prints photo.jpg: his RPT lacks print; Alice's AS wants his email, then Alice's approval",
  )
  const since = run.mark()
  const password = alice.config.owners.alice?.password ?? ''
  const approvals = startApprovals(alice.as, 'alice', password, log, (text) => {
    run.expect(false, text)
  })
  const print = `${stage.url('photo.jpg')}/print`
  let printed: Response
  try {
    try {
      printed = await stage.bob(print, { method: 'POST' })
    } catch (err) {
      // Keycloak's request_submitted brings no new ticket to poll with: ask again once approved
      if (!(isUmaError(err) && err.code === 'request_submitted')) throw err
      log.note('Bob', 'the AS passed the request to Alice; Bob asks again once she has answered')
      await approvals.approved
      printed = await stage.bob(print, { method: 'POST' })
    }
  } finally {
    approvals.stop()
  }
  run.expect(printed.status === 202, `Bob's print job is queued (${printed.status})`)
  run.expect(rs.printed.length === 1, 'the RS printed exactly once')
  expectDecidedBy(stage, since, 'photo.jpg', alice, 'print', false)
}

/** Bob views Alice's photo again: one request, the RS's cache. */
export async function bobViewsAgain(stage: Stage): Promise<void> {
  const { log, run, alice } = stage
  log.step(
    'Bob views photo.jpg again: his upgraded RPT holds view and print, and the RS has checked it already',
  )
  const since = run.mark()
  const again = await stage.bob(stage.url('photo.jpg'))
  run.expect(again.status === 200, `Bob sees the photo with his cached RPT (${again.status})`)
  const sent = since.exchanges({ actor: 'Bob', direction: 'request' })
  run.expect(sent.length === 1, `one request, straight to the RS (${sent.length})`)
  expectDecidedBy(stage, since, 'photo.jpg', alice, 'view', true)
}

/** Bob views Dave's photo with the same `umaFetch`: Dave's AS decides. */
export async function bobViewsDavesPhoto(stage: Stage): Promise<void> {
  const { log, run, dave } = stage
  log.step(
    "Bob views Dave's lake.jpg on the same RS, with the same umaFetch: Dave keeps his policies at his own AS, so Dave's AS decides",
  )
  const since = run.mark()
  const viewed = await stage.bob(stage.url('lake.jpg'))
  run.expect(viewed.status === 200, `Bob sees Dave's photo (${viewed.status})`)
  const challenged = since.decisions().filter((d) => d.outcome === 'challenged')
  run.expect(
    challenged.length > 0 && challenged.every((d) => d.issuer === dave.issuer),
    `the RS's challenge named ${dave.label}, which protects lake.jpg`,
  )
  const handedOver = since.exchanges({ actor: 'Bob', peer: dave.label, kind: 'upgrade' })
  run.expect(
    handedOver.length === 0,
    `Bob's client never handed ${dave.label} the RPT of ${stage.alice.label} to upgrade`,
  )
  expectDecidedBy(stage, since, 'lake.jpg', dave, 'view', false)
}

/** Bob views both photos again: each with the RPT of its own AS, both from the RS's cache. */
export async function bobViewsBoth(stage: Stage): Promise<void> {
  const { log, run } = stage
  log.step(
    'Bob views both photos once more: each request carries the RPT of the AS that protects that photo',
  )
  for (const [photo, owner] of [
    ['photo.jpg', stage.alice],
    ['lake.jpg', stage.dave],
  ] as const) {
    const since = run.mark()
    const res = await stage.bob(stage.url(photo))
    const sent = since.exchanges({ actor: 'Bob', direction: 'request' }).length
    run.expect(res.status === 200 && sent === 1, `Bob sees ${photo} in one request (${res.status})`)
    expectDecidedBy(stage, since, photo, owner, 'view', true)
  }
}

/** Carol is denied by Alice's AS. */
export async function carolIsDenied(stage: Stage): Promise<void> {
  const { log, run } = stage
  log.step("Carol views photo.jpg: no policy at Alice's AS grants her anything")
  const carol = stage.client('Carol', 'carol-app')
  try {
    const res = await carol(stage.url('photo.jpg'))
    run.expect(false, `Carol should have been refused, got ${res.status}`)
  } catch (err) {
    run.expect(
      isUmaError(err) && err.code === 'request_denied',
      `Carol is refused (${isUmaError(err) ? err.code : String(err)})`,
    )
  }
}
