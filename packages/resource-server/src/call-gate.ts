/**
 * @module The flood guard's gate on calls to one AS: at most so many in flight, and a token
 * bucket for the rate, so that an RS is never an amplifier pointed at its AS. Past the bounds a
 * call is refused at once (`overloaded`, answered 503 with `Retry-After`), never queued: a queue
 * would hold every request of a flood for as long as the AS takes.
 */
import { UmaError } from '@uma-kit/core'
import type { ResolvedLimits } from './limits-options.js'

/** Runs calls to one AS within its bounds. */
export interface CallGate {
  /**
   * Runs `call` now, or refuses it.
   *
   * @throws {UmaError} `overloaded` when the bounds are reached; `call` is not run
   */
  run<T>(call: () => Promise<T>): Promise<T>
}

/**
 * Creates the gate of one AS.
 *
 * @param limits - the resolved limits (`false`: no bounds)
 * @param issuer - the AS, for the message
 * @param now - the clock
 * @returns the gate
 */
export function createCallGate(
  limits: ResolvedLimits,
  issuer: string,
  now: () => number = Date.now,
): CallGate {
  if (limits === false) return { run: (call) => call() }
  const { maxInFlight, perSecond, burst } = limits
  let inFlight = 0
  let tokens = burst
  let refilledAt = now()

  function take(): boolean {
    const at = now()
    tokens = Math.min(burst, tokens + ((at - refilledAt) / 1000) * perSecond)
    refilledAt = at
    if (inFlight >= maxInFlight || tokens < 1) return false
    tokens -= 1
    inFlight += 1
    return true
  }

  return {
    async run(call) {
      if (!take()) {
        throw new UmaError(
          'overloaded',
          `the resource server's bound on calls to ${issuer} is reached; try again shortly`,
        )
      }
      try {
        return await call()
      } finally {
        inFlight -= 1
      }
    },
  }
}
