/**
 * @module A miss in the process's own cache, with a fleet behind it: the shared store first,
 * then one introspection for the whole fleet (the others wait for its answer), and the answer
 * shared. Whatever the store does, the decision is the one the AS would give: an entry that
 * fails its MAC is a miss, a store that is down or slow is skipped within its short bound.
 */
import type { CheckedRpt } from './checked-rpt.js'
import { toCheckedRpt } from './checked-rpt.js'
import type { SharedLevel } from './shared/shared-level.js'

/** What a load through the fleet gives: the RPT, where it came from, and how long it may live. */
export interface FleetLoad {
  readonly rpt: CheckedRpt
  /** `true` when another instance asked the AS (no call was made here). */
  readonly shared: boolean
  /** When the AS was asked (ms since the epoch). */
  readonly checkedAt: number
  /** The latest the entry may be kept until, by what the fleet said (ms since the epoch). */
  readonly sharedUntil?: number
}

/** How a fleet load waits and writes. */
export interface FleetLoadOptions {
  readonly level: SharedLevel
  /** How long a follower waits for the leader's answer before asking the AS itself. */
  readonly waitMs: number
  /** How long an answer may live, by the local cache's rules. */
  readonly lifetimeMs: (token: string, rpt: CheckedRpt) => number
  readonly now: () => number
}

function fromShared(entry: { introspection: unknown; checkedAt: number; expiresAt: number }) {
  const rpt = toCheckedRpt(entry.introspection, JSON.stringify(entry.introspection).length)
  return { rpt, shared: true, checkedAt: entry.checkedAt, sharedUntil: entry.expiresAt }
}

/**
 * Loads a token's check through the fleet.
 *
 * @param options - the shared level and the bounds
 * @param key - the token's key (`level.localKey`)
 * @param token - the RPT
 * @param loader - asks the AS
 * @returns the check and where it came from
 */
export async function loadThroughFleet(
  options: FleetLoadOptions,
  key: string,
  token: string,
  loader: (token: string) => Promise<CheckedRpt>,
): Promise<FleetLoad> {
  const { level, now } = options
  const found = await level.read(key)
  if (found !== undefined) return fromShared(found)
  if (!(await level.lead(key))) {
    // another instance is asking the AS: its answer, or our own call if none comes in time
    const answered = await level.waitFor(key, options.waitMs)
    if (answered !== undefined) return fromShared(answered)
  }
  const checkedAt = now()
  const rpt = await loader(token)
  const ttl = options.lifetimeMs(token, rpt)
  if (ttl > 0) {
    // best effort, never rejects: the decision does not wait on the store
    void level.write(key, { introspection: rpt.introspection, checkedAt, expiresAt: now() + ttl })
  }
  return { rpt, shared: false, checkedAt }
}
