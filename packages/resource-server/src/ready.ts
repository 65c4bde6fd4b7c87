/**
 * @module Waiting for the ASes at start-up: a service that starts before its AS is up retries
 * discovery and the PAT with backoff, a bounded number of times, and says so once per attempt,
 * instead of crashing on its first `resources.ensure`.
 */
import { isUmaError, type UmaError } from '@uma-kit/core'
import { readOptions } from '@uma-kit/core/internal'
import type { AsConnection } from './as-connection.js'
import { numberOption, optionalFunction } from './option-readers.js'

/** One attempt of `ready()`, as `onAttempt` is told of it. */
export interface ReadyAttempt {
  /** The AS tried. */
  readonly issuer: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** Attempts in all, at most. */
  readonly attempts: number
  /** Why this attempt failed; absent when it succeeded. */
  readonly error?: UmaError
  /** How long until the next attempt; absent after the last one or a success. */
  readonly retryInMs?: number
}

/** Options of `ready()`. */
export interface ReadyOptions {
  /** Attempts per AS, at most. @default 10 */
  attempts?: number | undefined
  /** The first wait between attempts; each next one doubles, up to `maxDelayMs`. @default 250 */
  delayMs?: number | undefined
  /** The longest wait between attempts. @default 5000 */
  maxDelayMs?: number | undefined
  /** Told of each attempt, for a line in the service's log. */
  onAttempt?: ((attempt: ReadyAttempt) => void) | undefined
  /** Stops waiting. */
  signal?: AbortSignal | undefined
}

/** Failures that waiting may cure: the AS is not up yet, or not answering well yet. */
function transient(err: unknown): err is UmaError {
  return isUmaError(err) && (err.code === 'as_unreachable' || err.code === 'as_error')
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error)
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** What one attempt checks: the metadata can be had, and a PAT. */
async function probe(connection: AsConnection): Promise<void> {
  await connection.metadata.all()
  await connection.pats.get()
}

/**
 * Waits until every AS answers: its metadata (discovery, unless set by hand) and a PAT.
 * Misconfigurations (`issuer_mismatch`, `discovery_failed`, `unauthorized`, `insecure_endpoint`)
 * fail at once: waiting cannot cure them.
 *
 * @param connections - the ASes
 * @param options - attempts, backoff, `onAttempt`, `signal`
 * @throws {UmaError} the last error of an AS that did not answer within the attempts, or the
 *   first misconfiguration
 * @throws {TypeError} for bad options
 */
export async function waitForAuthorizationServers(
  connections: readonly AsConnection[],
  options: unknown,
): Promise<void> {
  const o = readOptions<Record<keyof ReadyOptions, unknown>>(options, 'ready options')
  const attempts = numberOption('attempts', o.attempts, 10, { min: 1, max: 1000, integer: true })
  const delayMs = numberOption('delayMs', o.delayMs, 250, { min: 1, max: 60_000 })
  const maxDelayMs = numberOption('maxDelayMs', o.maxDelayMs, 5000, { min: 1, max: 600_000 })
  const onAttempt = optionalFunction<(attempt: ReadyAttempt) => void>('onAttempt', o.onAttempt)
  const signal = o.signal instanceof AbortSignal ? o.signal : undefined
  const tell = (attempt: ReadyAttempt) => {
    try {
      onAttempt?.(attempt)
    } catch {
      // a logger's failure must not stop the start-up
    }
  }

  await Promise.all(
    connections.map(async (connection) => {
      const { issuer } = connection
      for (let attempt = 1; ; attempt++) {
        try {
          await probe(connection)
          tell({ issuer, attempt, attempts })
          return
        } catch (err) {
          const last = attempt >= attempts
          if (!transient(err) || last) {
            if (isUmaError(err)) tell({ issuer, attempt, attempts, error: err })
            throw err
          }
          const retryInMs = Math.min(maxDelayMs, delayMs * 2 ** (attempt - 1))
          tell({ issuer, attempt, attempts, error: err, retryInMs })
          await sleep(retryInMs, signal)
        }
      }
    }),
  )
}
