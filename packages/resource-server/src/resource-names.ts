/**
 * @module Resources named by their name (and owner) at the AS, resolved to ids once and kept:
 * the decision compares ids only, so a permission for Dave's `photo.jpg` can never open Alice's,
 * and a name costs no AS call per request.
 */
import { UmaError } from '@uma-kit/core'
import { createSingleFlight } from '@uma-kit/core/internal'
import { LRUCache } from 'lru-cache'
import { ownedBy, type ResourceLister } from './ensure-resource.js'
import type { ResourceName } from './resource-ref.js'
import type { ResourceRegistry } from './resources.js'

/** Names resolved at most this many at once per AS, each for this long. */
const MAX_NAMES = 10_000
const NAME_TTL_MS = 5 * 60_000
/** Candidates read at most per name, for an AS that ignores the name filter. */
const MAX_READS = 50

/** Resolves resource names to ids at one AS. */
export interface ResourceNames {
  /**
   * The id of the resource with this name (and owner).
   *
   * @throws {UmaError} `not_found` when there is none, `resource_unresolved` when several owners
   *   have a resource of that name and no owner was given
   */
  resolve(ref: ResourceName): Promise<string>
  /** Forgets what was resolved (after resources were deleted or renamed). */
  clear(): void
}

/**
 * Creates the name resolver of one AS over its registry.
 *
 * @param issuer - the AS, for messages
 * @param registry - its Resource Registration API (with the RS's PAT)
 * @param list - lists ids with Keycloak's filters
 * @returns the resolver
 */
export function createResourceNames(
  issuer: string,
  registry: ResourceRegistry,
  list: ResourceLister,
): ResourceNames {
  const known = new LRUCache<string, string>({ max: MAX_NAMES, ttl: NAME_TTL_MS })
  const flights = createSingleFlight<string, string>()

  async function lookUp(ref: ResourceName): Promise<string> {
    const query: Record<string, string> = { name: ref.name, exactName: 'true' }
    if (ref.owner !== undefined) query.owner = ref.owner
    const matches: string[] = []
    const listedForOwner = ref.owner !== undefined && (await list.filtersByOwner())
    for (const id of (await list(query)).slice(0, MAX_READS)) {
      const found = await registry.read(id)
      if (found.name !== ref.name) continue
      if (!ownedBy(found, ref.owner, listedForOwner)) continue
      matches.push(id)
    }
    const [only] = matches
    if (only === undefined) {
      const whose = ref.owner === undefined ? '' : ` owned by "${ref.owner}"`
      throw new UmaError('not_found', `no resource named "${ref.name}"${whose} at ${issuer}`)
    }
    if (matches.length > 1) {
      throw new UmaError(
        'resource_unresolved',
        `${matches.length} resources are named "${ref.name}" at ${issuer}: give the owner too ({ name, owner })`,
      )
    }
    return only
  }

  return {
    async resolve(ref) {
      const key = `${ref.owner ?? ''}\n${ref.name}`
      const id = known.get(key)
      if (id !== undefined) return id
      const found = await flights.run(key, () => lookUp(ref))
      known.set(key, found)
      return found
    },
    clear: () => {
      known.clear()
    },
  }
}
