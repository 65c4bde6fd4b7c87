/**
 * @module The caller's cancellation, brought to every wait: work shared between calls (discovery,
 * another call's exchange) is never cancelled for one caller, but that caller stops waiting.
 */

/**
 * Settles as `promise` does, or rejects with the signal's reason as soon as it aborts.
 *
 * @param promise - the work to wait for
 * @param signal - the caller's cancellation
 * @returns what `promise` gives
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) {
    promise.catch(() => undefined)
    return Promise.reject(signal.reason as Error)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        // passed through as it came
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err)
      },
    )
  })
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first.
 *
 * @param ms - how long
 * @param signal - the caller's cancellation
 * @returns when the time has passed
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return abortable(slept, signal).finally(() => {
    clearTimeout(timer)
  })
}

/**
 * What `promise` gives, or `undefined` once `ms` have passed, whichever comes first; the
 * caller's abort rejects.
 *
 * @param promise - the work to wait for; it is not cancelled
 * @param ms - the longest wait
 * @param signal - the caller's cancellation
 * @returns the value, or `undefined` on timeout
 */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined)
    }, ms)
  })
  return abortable(Promise.race([promise, timeout]), signal).finally(() => {
    clearTimeout(timer)
  })
}
