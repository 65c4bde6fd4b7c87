/**
 * @module The names of RPTs revoked lately, with when this instance heard of it, so that an
 * entry checked before the revocation is refused even if the store still holds it (a write that
 * raced the revocation, or an old value written back by someone who can write to the store).
 */

/** Revocations heard; see {@link createRevokedNames}. */
export interface RevokedNames {
  /** Records that `name` was revoked at `at`. */
  add(name: string, at: number): void
  /** When `name` was last revoked, if within the memory's time. */
  revokedAt(name: string, now: number): number | undefined
}

/**
 * Creates the memory. An entry lives at most `maxTtlMs` after its check, so a revocation older
 * than that can no longer matter; beyond `max` names the oldest are forgotten first.
 *
 * @param max - how many names are kept
 * @param keepMs - how long one is kept, in milliseconds
 * @returns the memory
 */
export function createRevokedNames(max: number, keepMs: number): RevokedNames {
  // a Map keeps insertion order: the first key is the oldest revocation
  const names = new Map<string, number>()
  return {
    add(name, at) {
      names.delete(name)
      names.set(name, at)
      for (const [oldest, when] of names) {
        if (names.size <= max && when > at - keepMs) break
        names.delete(oldest)
      }
    },
    revokedAt(name, now) {
      const at = names.get(name)
      return at !== undefined && at > now - keepMs ? at : undefined
    },
  }
}
