/**
 * @module A follower's wait for the entry the leader of a first use is writing.
 */
import type { SharedEntry } from './entry-codec.js'
import type { StoreGuard } from './store-guard.js'

// The first looks come soon after the leader's introspection could have ended, later ones
// spaced out so that a slow AS does not turn followers into a load on the store.
const FIRST_DELAY_MS = 5
const MAX_DELAY_MS = 50

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Looks for an entry until one comes, the key is revoked, the store fails, or `timeoutMs` has
 * passed. No look lasts past the deadline.
 *
 * @param guard - bounds each look and knows when the store is down
 * @param o - the clock and the store call timeout
 * @param timeoutMs - how long to wait in all, in milliseconds
 * @param look - one read of the store
 * @returns the entry, or `undefined`
 */
export async function waitForEntry(
  guard: StoreGuard,
  o: { readonly now: () => number; readonly opTimeoutMs: number },
  timeoutMs: number,
  look: (signal: AbortSignal) => Promise<SharedEntry | 'revoked' | undefined>,
): Promise<SharedEntry | undefined> {
  const deadline = o.now() + timeoutMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    const left = deadline - o.now()
    if (left <= 0) return undefined
    const got = await guard.run(look, { timeoutMs: Math.min(o.opTimeoutMs, left) })
    if (!got.ok || got.value === 'revoked') return undefined
    if (got.value !== undefined) return got.value
    const rest = deadline - o.now()
    if (rest <= 0) return undefined
    await sleep(Math.min(delay, rest))
  }
}
