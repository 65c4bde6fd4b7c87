/**
 * The run's last step: which AS decided what, counted from the RS's decisions, and the check
 * that matters most in the distributed model: each photo was decided only by the AS that
 * protects it.
 */
import type { Stage } from './stage.js'

/**
 * Tells who decided what, and checks every decision.
 *
 * @param stage - the scenario, after its steps
 */
export function summarise(stage: Stage): void {
  const { log, run, rs, cast } = stage
  log.step('Who decided what, as the RS reported each decision (onDecision)')
  const { decisions } = run
  for (const owner of [stage.alice, stage.dave]) {
    const mine = decisions.filter((d) => d.issuer === owner.issuer)
    const count = (outcome: string, cached: boolean) =>
      mine.filter((d) => d.outcome === outcome && d.cached === cached).length
    log.note(
      owner.label,
      `${mine.length} decisions: ${count('allowed', false)} allowed after an introspection, ` +
        `${count('allowed', true)} allowed from the RS's cache, ` +
        `${count('challenged', false) + count('challenged', true)} answered with a ticket`,
    )
  }
  const misplaced = decisions.filter(
    (d) =>
      ![...rs.photos.values()].some((p) => p.resourceId === d.resourceId && p.issuer === d.issuer),
  )
  run.expect(
    decisions.length > 0 && misplaced.length === 0,
    `every decision came from the AS protecting its photo (${decisions.length} decisions${
      misplaced.length === 0
        ? ''
        : `; wrong: ${misplaced.map((d) => `${cast.resourceName(d.resourceId)} by ${cast.asName(d.issuer ?? '?')}`).join(', ')}`
    })`,
  )
  const failed = decisions.filter((d) => d.outcome === 'error' || d.outcome === 'unreachable')
  run.expect(
    failed.length === 0,
    `no decision failed or found an AS unreachable (${failed.length})`,
  )
}
