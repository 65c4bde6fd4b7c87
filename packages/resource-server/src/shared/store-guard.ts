/**
 * @module Each call to the shared store bounded by a timeout, and a circuit breaker, so that a
 * store that is down or slow costs a request nothing once it has been noticed.
 */

/** The outcome of a guarded call: its value, or nothing (failed, timed out, or not made). */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false }

/** Runs store calls; see {@link createStoreGuard}. */
export interface StoreGuard {
  /**
   * Makes a store call, unless the breaker is open. Never rejects.
   *
   * @param call - the call, given a signal that fires when nobody waits for it any more
   * @param options - `timeoutMs` instead of the guard's own; `force` to call even when open
   * @returns its value, or `{ ok: false }` without waiting when the breaker is open
   */
  run<T>(
    call: (signal: AbortSignal) => Promise<T>,
    options?: { timeoutMs?: number; force?: boolean },
  ): Promise<Outcome<T>>
  /** Whether calls are being refused. */
  readonly open: boolean
}

/** How a guard behaves. */
export interface StoreGuardOptions {
  /** How long one call may take, in milliseconds. */
  readonly timeoutMs: number
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number
  /** How long the breaker stays open before a probe, in milliseconds. */
  readonly cooldownMs: number
  /** A cheap call that tells whether the store answers again. */
  readonly probe: (signal: AbortSignal) => Promise<unknown>
  /** The clock. */
  readonly now: () => number
}

const NOTHING: Outcome<never> = Object.freeze({ ok: false })

/**
 * Creates a guard. After `failureThreshold` consecutive failures (errors or timeouts) it opens:
 * calls answer nothing at once, without touching the store, so a request never waits behind a
 * store already known to be down. Once `cooldownMs` has passed, the next call starts one probe
 * in the background (and still answers nothing); the probe's success closes the breaker, its
 * failure keeps it open for another `cooldownMs`. Any success resets the count.
 *
 * @param options - the bounds and the probe
 * @returns the guard
 */
export function createStoreGuard(options: StoreGuardOptions): StoreGuard {
  const { timeoutMs, failureThreshold, cooldownMs, probe, now } = options
  let failures = 0
  let openedAt: number | undefined
  let probing = false

  function settle(ok: boolean): void {
    if (ok) {
      failures = 0
      openedAt = undefined
    } else if (++failures >= failureThreshold || openedAt !== undefined) {
      openedAt = now()
    }
  }

  function attempt<T>(call: (signal: AbortSignal) => Promise<T>, ms: number): Promise<Outcome<T>> {
    const controller = new AbortController()
    return new Promise((resolve) => {
      let done = false
      const finish = (outcome: Outcome<T>) => {
        if (done) return
        done = true
        clearTimeout(timer)
        settle(outcome.ok)
        resolve(outcome)
      }
      const timer = setTimeout(() => {
        finish(NOTHING)
        controller.abort()
      }, ms)
      let pending: Promise<T>
      try {
        pending = Promise.resolve(call(controller.signal))
      } catch {
        pending = Promise.reject(new Error('store call threw'))
      }
      // a call that settles after its timeout is still handled here, never unhandled
      pending.then(
        (value) => {
          finish({ ok: true, value })
        },
        () => {
          finish(NOTHING)
        },
      )
    })
  }

  function startProbe(): void {
    probing = true
    void attempt(probe, timeoutMs).finally(() => {
      probing = false
    })
  }

  return {
    run(call, { timeoutMs: ms = timeoutMs, force = false } = {}) {
      if (openedAt !== undefined && !force) {
        if (!probing && now() - openedAt >= cooldownMs) startProbe()
        return Promise.resolve(NOTHING)
      }
      return attempt(call, ms)
    },
    get open() {
      return openedAt !== undefined
    },
  }
}
