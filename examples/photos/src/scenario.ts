/**
 * The photo-sharing scenario of the UMA specs, with UMA's distributed model: Alice's photo.jpg
 * and Dave's lake.jpg sit on one photo RS, each protected by its owner's AS. Bob views and
 * prints Alice's photo through Alice's AS, views Dave's through Dave's, with one `umaFetch`;
 * Carol is denied. Each exchange is logged as it happens, the RS's too (its PAT, tickets,
 * introspections, cache hits), and each expectation is checked: the run fails loudly where the
 * flow deviates.
 */
import { createUmaFetch, isUmaError, type ClaimsContext } from '@uma-kit/client'
import { JWT_CLAIMS_FORMAT, type AsConfig, type AsEvent } from '@uma-kit/dev-server'
import { createCast, type Cast } from './cast.js'
import type { DemoLog } from './log.js'
import { startOwnerAses, type DemoShape, type OwnerAs } from './owner-ases.js'
import type { PhotoServer } from './photo-server.js'
import { createRunRecord, type RunRecord } from './run-record.js'
import type { Stage } from './stage.js'
import { checkStart, introduceAses, startRs } from './start-up.js'
import * as steps from './steps.js'
import { summarise } from './summary.js'
import { tracingFetch } from './trace.js'

export type { DemoShape } from './owner-ases.js'

/** What a run found. */
export interface ScenarioResult {
  /** Expectations that failed; empty when the run went as the specs describe. */
  readonly failures: string[]
}

/** Options of {@link runPhotoScenario}. */
export interface ScenarioOptions {
  /** Both ASes' wire shape: the specs' or Keycloak's. @default 'spec' */
  mode?: DemoShape
  /** Where the tutorial goes. */
  log: DemoLog
  /** Alice's AS: owners, clients, policies. @default config/photos.json of the development AS */
  config?: AsConfig
  /** Dave's AS. @default config/dave.json of this example */
  daveConfig?: AsConfig
}

/** Bob's email, pushed as claims when the AS asks (or up front, for Keycloak). */
const BOB_CLAIMS = { email: 'bob@example.com' }

/** What the RS's own lines tell already (its PAT, its introspections), seen from the RS. */
const TOLD_BY_THE_RS = new Set<AsEvent['type']>(['pat_issued', 'introspection'])

function pushClaims(mode: DemoShape) {
  return (ctx: ClaimsContext) => {
    // Keycloak never sends need_info: claims go with the first request there
    const asked = ctx.requiredClaims?.some((c) => c.name === 'email') === true
    if (!asked && mode !== 'keycloak') return undefined
    return {
      claim_token: Buffer.from(JSON.stringify(BOB_CLAIMS)).toString('base64url'),
      claim_token_format: JWT_CLAIMS_FORMAT,
    }
  }
}

function makeStage(
  mode: DemoShape,
  log: DemoLog,
  run: RunRecord,
  cast: Cast,
  ases: OwnerAs[],
  rs: PhotoServer,
): Stage {
  const [alice, dave] = ases
  if (alice === undefined || dave === undefined) throw new Error('two ASes expected')
  const client = (name: string, clientId: string) =>
    createUmaFetch({
      // one client for every AS its user meets: RPTs are kept per AS
      trustedIssuers: [alice.issuer, dave.issuer],
      clientId,
      // createUmaFetch takes one client registration for all its ASes: the demo's configurations
      // give bob-app the same secret at both
      clientSecret: alice.config.clients[clientId]?.secret ?? '',
      claims: pushClaims(mode),
      onRequestSubmitted: { pollMaxWaitMs: 20_000 },
      fetch: tracingFetch(name, cast, (line) => run.exchange(line)),
    })
  return {
    mode,
    log,
    run,
    cast,
    alice,
    dave,
    rs,
    bob: client('Bob', 'bob-app'),
    client,
    url: (photo) => `${rs.url}/photos/${photo}`,
  }
}

/**
 * Runs the scenario against two fresh ASes and the photo RS on 127.0.0.1, and shuts them down.
 *
 * @param options - the shape, the log, the configurations
 * @returns the failed expectations
 */
export async function runPhotoScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const mode = options.mode ?? 'spec'
  const { log } = options
  const run = createRunRecord(log)
  const cast = createCast()
  let ases: OwnerAs[] = []
  let rs: PhotoServer | undefined
  try {
    log.step(
      `Start Alice's AS and Dave's AS (${mode} wire shape), and the photo RS that holds photos of both`,
    )
    ases = await startOwnerAses({
      shape: mode,
      alice: options.config,
      dave: options.daveConfig,
      onEvent: (label, event) => {
        if (!TOLD_BY_THE_RS.has(event.type)) log.note(label, event.message)
      },
    })
    introduceAses(ases, cast, log)
    const since = run.mark()
    rs = await startRs(ases, run, log, cast)
    log.info(`   photo RS at ${rs.url}, its RFC 9728 document naming both ASes`)
    const stage = makeStage(mode, log, run, cast, ases, rs)
    await checkStart(stage, since)
    await steps.bobViewsAlicesPhoto(stage)
    await steps.bobPrintsAlicesPhoto(stage)
    await steps.bobViewsAgain(stage)
    await steps.bobViewsDavesPhoto(stage)
    await steps.bobViewsBoth(stage)
    await steps.carolIsDenied(stage)
    summarise(stage)
  } catch (err) {
    run.expect(
      false,
      `the scenario stopped: ${isUmaError(err) ? `${err.code}: ${err.message}` : String(err)}`,
    )
  } finally {
    await rs?.close()
    await Promise.all(ases.map(({ as }) => as.close()))
  }
  return { failures: run.failures }
}
