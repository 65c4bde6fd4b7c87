/** @module What the fleet scenario measured, for `main.ts` to print and the e2e test to check. */

/** What the scenario measured. */
export interface FleetFigures {
  /** 60 concurrent first uses of one RPT over 3 instances. */
  readonly firstUses: { requests: number; allowed: number; introspections: number }
  /** An RPT revoked at the AS and by `rs.revoke` on one instance. */
  readonly revocation: { deniedEverywhere: boolean; msPerInstance: number[] }
  /** Redis stopped: decisions without it. */
  readonly redisDown: {
    requests: number
    allowed: number
    introspections: number
    slowestMs: number
    unknownDenied: number
    unknownIntrospections: number
  }
  /**
   * Redis back: the first RPT after it finds each instance's circuit breaker still open (each
   * asks the AS itself, and its first store call after the cooldown starts the probe that
   * closes it); the next RPT is shared again.
   */
  readonly redisBack: {
    requests: number
    allowed: number
    introspectionsWhileReopening: number
    introspections: number
  }
}
