/**
 * The photo-sharing scenario of the UMA specs, step by step: Alice's photo RS registers
 * photo.jpg; Bob views it (401, ticket, RPT, 200); Bob prints it (the AS asks for his email,
 * then for Alice's approval, then upgrades his RPT); Carol is denied. Each exchange is logged
 * as it happens, and each expectation is checked: the run fails loudly where the flow deviates.
 */
import {
  JWT_CLAIMS_FORMAT,
  PHOTOS_CONFIG_URL,
  createDevServer,
  loadConfig,
  type AsConfig,
  type DevServer,
} from '@uma-kit/dev-server'
import { createUmaFetch, isUmaError, type ClaimsContext } from '@uma-kit/client'
import type { DemoLog } from './log.js'
import { startPhotoServer, type PhotoServer } from './photo-server.js'
import { shortToken, tracingFetch } from './trace.js'

/** The wire shapes the demo runs against (the client does not speak CAS's RPT endpoint yet). */
export type DemoShape = 'spec' | 'keycloak'

/** What a run found. */
export interface ScenarioResult {
  /** Expectations that failed; empty when the run went as the specs describe. */
  readonly failures: string[]
}

/** Options of {@link runPhotoScenario}. */
export interface ScenarioOptions {
  /** The AS's wire shape: the specs' or Keycloak's. @default 'spec' */
  mode?: DemoShape
  /** Where the tutorial goes. */
  log: DemoLog
  /** The AS's owners, clients and policies. @default config/photos.json of the development AS */
  config?: AsConfig
}

/** Bob's email, pushed as claims when the AS asks (or up front, for Keycloak). */
const BOB_CLAIMS = { email: 'bob@example.com' }

function pushClaims(mode: DemoShape) {
  return (ctx: ClaimsContext) => {
    // Keycloak never sends need_info: claims go with the first request there
    const asked = ctx.requiredClaims?.some((c) => c.name === 'email') === true
    if (!asked && mode !== 'keycloak') return Promise.resolve(undefined)
    return Promise.resolve({
      claim_token: Buffer.from(JSON.stringify(BOB_CLAIMS)).toString('base64url'),
      claim_token_format: JWT_CLAIMS_FORMAT,
    })
  }
}

/** Alice's side: she watches her pending requests and approves Bob's print request. */
function startAlice(
  as: DevServer,
  password: string,
  log: DemoLog,
): { stop(): void; approved: Promise<void> } {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let resolveApproved: () => void = () => undefined
  const approved = new Promise<void>((resolve) => (resolveApproved = resolve))
  const auth = `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`
  const url = `${new URL(as.issuer).origin}${as.paths.ownerRequests}`
  const check = async () => {
    const res = await fetch(url, { headers: { authorization: auth } })
    const pending = (await res.json()) as {
      id: string
      clientId: string
      scope: string
      resourceName: string
    }[]
    for (const request of pending) {
      log.note(
        'Alice',
        `sees ${request.clientId} asking to ${request.scope} ${request.resourceName}, and approves`,
      )
      await fetch(`${url}/${request.id}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      })
      resolveApproved()
    }
  }
  const tick = () => {
    if (stopped) return
    check()
      .catch((err: unknown) => log.fail(`Alice could not reach the AS: ${String(err)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, 250)
      })
  }
  timer = setTimeout(tick, 250)
  return {
    approved,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/**
 * Runs the scenario against a fresh AS and photo RS on 127.0.0.1, and shuts both down.
 *
 * @param options - the AS mode and the log
 * @returns the failed expectations
 */
export async function runPhotoScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const mode = options.mode ?? 'spec'
  const { log } = options
  const failures: string[] = []
  const expect = (ok: boolean, text: string) => {
    if (ok) log.ok(text)
    else {
      log.fail(text)
      failures.push(text)
    }
  }
  const config = options.config ?? (await loadConfig(PHOTOS_CONFIG_URL))
  const as = await createDevServer({
    config,
    shape: mode,
    onEvent: (event) => {
      if (event.type !== 'introspection' && event.type !== 'pat_issued')
        log.note('AS', event.message)
    },
  })
  let rs: PhotoServer | undefined
  let alice: { stop(): void; approved: Promise<void> } | undefined
  try {
    log.step(`Start the authorization server (${mode} wire shape) and Alice's photo server`)
    const issuer = await as.listen(0)
    log.info(`   AS at ${issuer}`)
    const rsClient = config.clients['photo-rs']
    if (rsClient === undefined) throw new Error('config has no photo-rs client')
    rs = await startPhotoServer({ issuer, clientId: 'photo-rs', clientSecret: rsClient.secret })
    log.info(
      `   photo RS at ${rs.url}; photo.jpg is resource ${shortToken(rs.resourceIds.get('photo.jpg') ?? '?', 13)}`,
    )

    const asOrigin = new URL(issuer).origin
    const clientFor = (name: string, clientId: string) =>
      createUmaFetch({
        trustedIssuers: [issuer],
        clientId,
        clientSecret: config.clients[clientId]?.secret ?? '',
        claims: pushClaims(mode),
        onRequestSubmitted: { pollMaxWaitMs: 20_000 },
        fetch: tracingFetch(name, asOrigin, (line) => log.exchange(line)),
      })
    const bob = clientFor('Bob', 'bob-app')
    const photo = `${rs.url}/photos/photo.jpg`

    log.step(
      'Bob views photo.jpg: no RPT yet, so the RS answers with a ticket, and Bob trades it for an RPT',
    )
    const viewed = await bob(photo)
    expect(
      viewed.status === 200 && viewed.headers.get('content-type') === 'image/jpeg',
      `Bob sees the photo (${viewed.status})`,
    )

    log.step(
      "Bob prints photo.jpg: his RPT lacks print; the AS wants his email, then Alice's approval",
    )
    alice = startAlice(as, config.owners.alice?.password ?? '', log)
    let printed: Response
    try {
      printed = await bob(`${photo}/print`, { method: 'POST' })
    } catch (err) {
      // Keycloak's request_submitted brings no new ticket to poll with: ask again once approved
      if (!(isUmaError(err) && err.code === 'request_submitted')) throw err
      log.note('Bob', 'the AS passed the request to Alice; Bob asks again once she has answered')
      await alice.approved
      printed = await bob(`${photo}/print`, { method: 'POST' })
    }
    expect(printed.status === 202, `Bob's print job is queued (${printed.status})`)
    expect(rs.printed.length === 1, 'the RS printed exactly once')

    log.step(
      'Bob views photo.jpg again: his upgraded RPT holds view and print, so one request does it',
    )
    const again = await bob(photo)
    expect(again.status === 200, `Bob sees the photo with his cached RPT (${again.status})`)

    log.step('Carol views photo.jpg: no policy grants her anything')
    const carol = clientFor('Carol', 'carol-app')
    try {
      const res = await carol(photo)
      expect(false, `Carol should have been refused, got ${res.status}`)
    } catch (err) {
      expect(
        isUmaError(err) && err.code === 'request_denied',
        `Carol is refused (${isUmaError(err) ? err.code : String(err)})`,
      )
    }
  } catch (err) {
    const text = `the scenario stopped: ${isUmaError(err) ? `${err.code}: ${err.message}` : String(err)}`
    log.fail(text)
    failures.push(text)
  } finally {
    alice?.stop()
    await rs?.close()
    await as.close()
  }
  return { failures }
}
