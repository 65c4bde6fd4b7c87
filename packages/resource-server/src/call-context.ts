/**
 * @module What one decision's calls to the AS share: its deadline.
 */

/** The context of the calls one decision makes. */
export interface CallContext {
  /**
   * When the decision must be over (ms since the epoch, by `Date.now()`): every call's bound is
   * the sooner of `timeoutMs` and this, and nothing is sent after it.
   */
  readonly deadline?: number | undefined
}

/**
 * The context of a decision that starts now.
 *
 * @param timeoutMs - the bound on each call
 * @returns a context whose deadline is three calls away
 */
export function decisionContext(timeoutMs: number): CallContext {
  // discovery, then the RPT check (the PAT fetched beside it), then the ticket
  return { deadline: Date.now() + 3 * timeoutMs }
}
