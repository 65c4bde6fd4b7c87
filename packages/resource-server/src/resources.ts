/**
 * @module The Resource Registration API (UMA FedAuthz §3), with the PAT, tolerant of the ways
 * real servers answer (UMA FedAuthz §3, pitfalls 8–14).
 */
import { UmaError, type ResourceDescription } from '@uma-kit/core'
import {
  appendPathSegment,
  argumentError,
  createSingleFlight,
  describeReceived,
  type AsResponse,
} from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { PatProvider, PatRequest } from './pat.js'
import { isSuccess, protectionError } from './protection-errors.js'
import { ensureResource, ownerOf, type EnsureBody, type ResourceLister } from './ensure-resource.js'
import {
  bodyId,
  checkDescription,
  idFromCreation,
  readDescription,
  wantsIdInUpdate,
} from './resource-shapes.js'

/** The Resource Registration API of one RS. */
export interface ResourceRegistry {
  /** Registers a resource; resolves with its `_id`. */
  create(
    description: ResourceDescription,
  ): Promise<{ _id: string; user_access_policy_uri?: string }>
  /** Reads a resource; scopes come back as names. */
  read(id: string): Promise<ResourceDescription & { _id: string }>
  /** Replaces a resource's description. */
  update(id: string, description: ResourceDescription): Promise<void>
  /** Deletes a resource. */
  delete(id: string): Promise<void>
  /** The ids of every resource registered with this PAT. */
  list(): Promise<string[]>
  /**
   * The `_id` of the resource with this name (and `owner`, where given), created when missing.
   * An existing one is updated only when the description adds something: its scopes become the
   * union of both, the fields given replace theirs, and every other field it has is kept.
   */
  ensure(description: ResourceDescription & { name: string }): Promise<string>
}

/** Keycloak pages lists; ask for pages this large (the README's vendor notes). */
const PAGE_SIZE = 100
/** At most this many pages: 10 000 resources. */
const MAX_PAGES = 100

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id === '') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `id must be a non-empty string, received ${describeReceived(id)}`,
    )
  }
  return id
}

function readIds(response: AsResponse): string[] {
  if (!Array.isArray(response.json)) {
    throw new UmaError('invalid_response', 'the resource list is not a JSON array', {
      asStatus: response.status,
    })
  }
  // CAS lists numbers (Apereo CAS: see the README's vendor notes)
  return response.json
    .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
    .map(String)
}

/**
 * Creates the resource registry of one AS.
 *
 * @param casShaped - the AS takes CAS's shapes (`permissionRequestFormat: 'object'`), so an
 *   update carries the `_id` too, as it does for any AS whose metadata is UMA 1.0's
 * @param metadata - where the registration endpoint is
 * @param pats - the PAT provider (its calls carry the bounds and the transport)
 * @returns the registry, and the list call with Keycloak's filters (for `ensure` and names)
 */
export function createResourceRegistry(
  casShaped: boolean,
  metadata: MetadataSource,
  pats: PatProvider,
): { registry: ResourceRegistry; list: ResourceLister } {
  const ensuring = createSingleFlight<string, string>()

  async function call(
    method: PatRequest['method'],
    path: { id?: string; query?: Record<string, string> },
    body: unknown,
    purpose: string,
  ): Promise<AsResponse> {
    const { url: endpoint } = await metadata.endpoint('resource_registration_endpoint')
    const url = new URL(path.id === undefined ? endpoint : appendPathSegment(endpoint, path.id))
    for (const [name, value] of Object.entries(path.query ?? {})) url.searchParams.set(name, value)
    // CAS 6.x refuses GET and DELETE without this content type (the README's vendor notes)
    const response = await pats.request({
      url,
      method,
      contentType: 'application/json',
      body: body === undefined ? undefined : JSON.stringify(body),
      purpose,
    })
    if (!isSuccess(response.status)) throw protectionError(response, purpose)
    return response
  }

  async function listWith(query: Record<string, string>): Promise<string[]> {
    const ids = new Set<string>()
    for (let page = 0; page < MAX_PAGES; page++) {
      const first = String(page * PAGE_SIZE)
      const response = await call(
        'GET',
        { query: { ...query, first, max: String(PAGE_SIZE) } },
        undefined,
        'resource list',
      )
      const batch = readIds(response)
      const before = ids.size
      for (const id of batch) ids.add(id)
      // a short page ends the list; so does a server that ignores paging and repeats itself
      if (batch.length < PAGE_SIZE || ids.size === before) break
    }
    return [...ids]
  }

  const registry: ResourceRegistry = {
    async create(description) {
      const body = checkDescription(description)
      const response = await call('POST', {}, body, 'resource creation')
      return idFromCreation(response)
    },
    async read(id) {
      const response = await call('GET', { id: checkId(id) }, undefined, 'resource read')
      return readDescription(response, id)
    },
    async update(id, description) {
      const body = checkDescription(description)
      const withId =
        casShaped || wantsIdInUpdate(await metadata.all()) ? { ...body, _id: bodyId(id) } : body
      await call('PUT', { id: checkId(id) }, withId, 'resource update')
    },
    async delete(id) {
      await call('DELETE', { id: checkId(id) }, undefined, 'resource deletion')
    },
    list: () => listWith({}),
    async ensure(description) {
      const body = checkDescription(description)
      if (typeof body.name !== 'string' || body.name === '') {
        throw argumentError('ERR_INVALID_ARG_VALUE', 'ensure needs a description with a name')
      }
      const owner = ownerOf(body)
      // one ensure per (owner, name) at a time: two concurrent ones would create twice
      return ensuring.run(`${owner ?? ''}\n${body.name}`, () =>
        ensureResource(registry, list, body as EnsureBody),
      )
    },
  }
  // Keycloak (known by the policy_endpoint its UMA metadata adds) filters lists by owner
  const list: ResourceLister = Object.assign(listWith, {
    filtersByOwner: async () => typeof (await metadata.all()).policy_endpoint === 'string',
  })
  return { registry: Object.freeze(registry), list }
}
