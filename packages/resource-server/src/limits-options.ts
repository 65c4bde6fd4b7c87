/**
 * @module The `limits` option: the flood guard's bounds on what one RS asks of each AS.
 */
import { readOptions } from '@uma-kit/core/internal'
import { numberOption } from './option-readers.js'

/** Bounds on the calls the RS makes to each AS while deciding (introspections and tickets). */
export interface AsCallLimits {
  /** Calls in flight at once, per AS. @default 64 */
  maxInFlight?: number | undefined
  /** Calls per second, per AS, sustained. @default 200 */
  perSecond?: number | undefined
  /** Calls allowed at once above the sustained rate, per AS. @default 400 */
  burst?: number | undefined
  /**
   * Seconds a ticket is reused for the same resource and scopes, for ASes whose tickets are
   * reusable (Keycloak's are signed JWTs, valid until their `exp`, which bounds the reuse too).
   * Leave it at 0 for ASes with single-use tickets (the spec's, SolidLab's, WSO2's).
   * @default 0
   */
  reuseTicketSeconds?: number | undefined
}

/** The limits after checks, or `false` for none. */
export type ResolvedLimits =
  | false
  | {
      readonly maxInFlight: number
      readonly perSecond: number
      readonly burst: number
      readonly reuseTicketSeconds: number
    }

/**
 * Checks the `limits` option.
 *
 * @param value - the option; `false` turns the bounds off (tickets in flight are still shared)
 * @returns the resolved limits
 * @throws {TypeError} naming the bad member
 */
export function resolveLimits(value: unknown): ResolvedLimits {
  if (value === false) return false
  const o = readOptions<Record<keyof AsCallLimits, unknown>>(value, 'options.limits')
  return Object.freeze({
    maxInFlight: numberOption('limits.maxInFlight', o.maxInFlight, 64, { min: 1, integer: true }),
    perSecond: numberOption('limits.perSecond', o.perSecond, 200, { min: 0.1 }),
    burst: numberOption('limits.burst', o.burst, 400, { min: 1, integer: true }),
    reuseTicketSeconds: numberOption('limits.reuseTicketSeconds', o.reuseTicketSeconds, 0, {
      max: 300,
    }),
  })
}
