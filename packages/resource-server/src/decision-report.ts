/**
 * @module Telling a decision to whoever watches: `onDecision` and the diagnostics channel, with
 * what was observed on the way (the issuer, whether from the cache, the requesting party), and
 * nothing measured when no one watches.
 */
import { performance } from 'node:perf_hooks'
import type { UmaError } from '@uma-kit/core'
import type { CheckedRpt } from './checked-rpt.js'
import { decisionsObserved, publishDecision } from './diagnostics.js'
import type { DecisionEvent } from './options.js'

/** One decision's outcome details, gathered while deciding. */
export interface Observed {
  cached: boolean
  issuer?: string
  rpt?: CheckedRpt
}

/** Reports decisions; see {@link createDecisionReporter}. */
export interface DecisionReporter {
  /** Whether anyone watches now: `onDecision`, or a subscriber of the channel. */
  readonly observing: () => boolean
  /**
   * Tells a decision to the channel, then to `onDecision`, whose failure changes nothing.
   *
   * @param start - `performance.now()` when the decision began
   */
  readonly report: (
    resourceId: string,
    scopes: readonly string[],
    outcome: DecisionEvent['outcome'],
    observed: Observed,
    start: number,
    error?: UmaError,
  ) => void
}

/**
 * Creates the reporter of one resource server.
 *
 * @param onDecision - the resource server's observer, if any
 * @returns the reporter
 */
export function createDecisionReporter(
  onDecision: ((event: DecisionEvent) => void) | undefined,
): DecisionReporter {
  return {
    observing: () => onDecision !== undefined || decisionsObserved(),
    report: (resourceId, scopes, outcome, observed, start, error) => {
      const event: DecisionEvent = {
        resourceId,
        scopes: [...scopes],
        outcome,
        cached: observed.cached,
        durationMs: performance.now() - start,
      }
      if (observed.issuer !== undefined) event.issuer = observed.issuer
      if (error !== undefined) event.error = error
      if (outcome === 'allowed' && observed.rpt !== undefined) {
        if (observed.rpt.sub !== undefined) event.sub = observed.rpt.sub
        if (observed.rpt.clientId !== undefined) event.clientId = observed.rpt.clientId
      }
      publishDecision(event)
      try {
        onDecision?.(event)
      } catch {
        // an observer's failure must not change a decision
      }
    },
  }
}
