/**
 * The scenario's start-up: the photo RS over both ASes, its own calls to them traced and its
 * decisions told, and the first checks: a PAT from each AS, each photo registered at its
 * owner's AS, both ASes in the RS's RFC 9728 document.
 */
import { isUmaError } from '@uma-kit/client'
import type { ReadyAttempt } from '@uma-kit/resource-server'
import type { Cast } from './cast.js'
import type { DemoLog } from './log.js'
import type { OwnerAs } from './owner-ases.js'
import { startPhotoServer, type PhotoServer } from './photo-server.js'
import { describeDecision } from './rs-log.js'
import type { RunRecord, Since } from './run-record.js'
import type { Stage } from './stage.js'
import { tracingFetch } from './trace.js'

/** `Alice` for `alice`. */
const capitalised = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`

/**
 * Names the ASes in the cast, and tells where each runs and whose policies it holds.
 *
 * @param ases - the owners' ASes
 * @param cast - learns their names
 * @param log - where the lines go
 */
export function introduceAses(ases: readonly OwnerAs[], cast: Cast, log: DemoLog): void {
  for (const owner of ases) {
    cast.addAs(owner.label, owner.issuer)
    const whose = `${capitalised(owner.owner)}'s policies for ${owner.photos.join(', ')}`
    log.info(`   ${owner.label} at ${owner.issuer}: ${whose}`)
  }
}

function readyLine(attempt: ReadyAttempt, cast: Cast): string {
  const as = cast.asName(attempt.issuer)
  const of = `attempt ${attempt.attempt} of ${attempt.attempts}`
  if (attempt.error === undefined) return `${as} is up: its metadata read, a PAT in hand (${of})`
  const retry = attempt.retryInMs === undefined ? '' : `, again in ${attempt.retryInMs} ms`
  return `${as} not ready (${attempt.error.code}, ${of}${retry})`
}

/**
 * Starts the photo RS for the owners' ASes, reporting its exchanges and decisions.
 *
 * @param ases - the owners' ASes
 * @param run - where exchanges, decisions and failures go
 * @param log - where the RS's lines go
 * @param cast - names the RS and the photos once started
 * @returns the running RS
 */
export async function startRs(
  ases: readonly OwnerAs[],
  run: RunRecord,
  log: DemoLog,
  cast: Cast,
): Promise<PhotoServer> {
  const rs = await startPhotoServer({
    owners: ases.map((o) => ({
      name: o.owner,
      issuer: o.issuer,
      clientId: 'photo-rs',
      clientSecret: o.config.clients['photo-rs']?.secret ?? '',
      photos: o.photos,
    })),
    resourceServer: {
      fetch: tracingFetch('RS', cast, (line) => run.exchange(line)),
      onDecision: (event) => {
        run.decision(event)
        log.note('RS', describeDecision(event, cast))
      },
    },
    onReady: (attempt) => log.note('RS', readyLine(attempt, cast)),
    onError: (err) =>
      run.expect(false, `the RS failed: ${isUmaError(err) ? err.code : String(err)}`),
  })
  cast.addRs(rs.url)
  for (const [photo, entry] of rs.photos) cast.addResource(entry.resourceId, photo)
  return rs
}

/**
 * Checks the start-up: a PAT from each AS, each photo registered there, both ASes in the RFC
 * 9728 document.
 *
 * @param stage - the scenario
 * @param since - the point before the RS started
 */
export async function checkStart(stage: Stage, since: Since): Promise<void> {
  const { run, rs, cast } = stage
  for (const owner of [stage.alice, stage.dave]) {
    const held = [...rs.photos.values()].filter((p) => p.issuer === owner.issuer)
    const pats = since.exchanges({ actor: 'RS', peer: owner.label, kind: 'pat' })
    run.expect(
      pats.some((line) => line.direction === 'response' && line.ok === true),
      `the RS fetched a PAT from ${owner.label} at start-up, and registered ${held.map((p) => p.photo).join(', ')} there`,
    )
  }
  const path = rs.rs.protectedResourceMetadataPath ?? ''
  const document = (await (await fetch(`${rs.url}${path}`)).json()) as {
    authorization_servers?: string[]
  }
  const listed = document.authorization_servers ?? []
  run.expect(
    listed.includes(stage.alice.issuer) && listed.includes(stage.dave.issuer),
    `the RS's RFC 9728 document (${path}) lists ${listed.map((s) => cast.asName(s)).join(' and ')}`,
  )
}
