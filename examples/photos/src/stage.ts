/**
 * What every step of the scenario works with, and the checks steps share: who decided a
 * request, and whether the RS asked its AS or its cache.
 */
import type { DemoLog } from './log.js'
import type { Cast } from './cast.js'
import type { OwnerAs, DemoShape } from './owner-ases.js'
import type { PhotoServer } from './photo-server.js'
import type { RunRecord, Since } from './run-record.js'

/** The running scenario. */
export interface Stage {
  readonly mode: DemoShape
  readonly log: DemoLog
  readonly run: RunRecord
  readonly cast: Cast
  readonly alice: OwnerAs
  readonly dave: OwnerAs
  readonly rs: PhotoServer
  /** Bob's `umaFetch`: one, trusting both ASes. */
  readonly bob: typeof fetch
  /** Makes another party's `umaFetch`, trusting both ASes. */
  client(name: string, clientId: string): typeof fetch
  /** `http://127.0.0.1:<port>/photos/<photo>` */
  url(photo: string): string
}

/**
 * Checks that the RS let `scope` on `photo` through, decided by `owner`'s AS: introspected there
 * (`cached: false`), or from the RS's cache with no call to any AS (`cached: true`); and that the
 * handler saw that AS as `req.uma.issuer`.
 *
 * @param stage - the scenario
 * @param since - where the step began
 * @param photo - the photo's file name
 * @param owner - the AS expected to have decided
 * @param scope - the scope let through
 * @param cached - whether the RPT's check should have come from the RS's cache
 */
export function expectDecidedBy(
  stage: Stage,
  since: Since,
  photo: string,
  owner: OwnerAs,
  scope: 'view' | 'print',
  cached: boolean,
): void {
  const { run, rs } = stage
  const id = rs.photos.get(photo)?.resourceId
  const allowed = since
    .decisions()
    .filter((d) => d.outcome === 'allowed' && d.resourceId === id && d.scopes.includes(scope))
  const last = allowed.at(-1)
  run.expect(
    last?.issuer === owner.issuer && last.cached === cached,
    cached
      ? `the RS let ${scope} on ${photo} through from its cache: ${owner.label} had vouched for the RPT`
      : `${owner.label} decided: the RS introspected the RPT there and let ${scope} on ${photo} through`,
  )
  const introspections = since.exchanges({
    actor: 'RS',
    kind: 'introspection',
    direction: 'request',
  })
  if (cached) {
    run.expect(
      introspections.length === 0,
      'no introspection: the RS called no AS to check the RPT',
    )
  }
  const served = rs.served.filter((s) => s.photo === photo && s.scope === scope).at(-1)
  run.expect(
    served?.issuer === owner.issuer,
    `the handler's req.uma.issuer is ${owner.label}'s issuer (${served?.issuer ?? 'none'})`,
  )
}
