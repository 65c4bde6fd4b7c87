/**
 * @module The AS's endpoints: set by hand, discovered once, or both (the `metadata` option).
 */
import { UmaError, type DiscoveryCache, type UmaServerMetadata } from '@uma-kit/core'
import { resolveMetadata } from '@uma-kit/core/internal'
import type { ResolvedAs } from './as-options.js'

/** Endpoint members of the metadata the RS calls. */
export type EndpointName =
  | 'token_endpoint'
  | 'permission_endpoint'
  | 'introspection_endpoint'
  | 'jwks_uri'
  | 'resource_registration_endpoint'

/** Where the RS finds the AS's metadata. */
export interface MetadataSource {
  /** Every member known: the hand-set ones, else discovered with the hand-set ones on top. */
  all(): Promise<UmaServerMetadata>
  /**
   * The metadata and one endpoint's URL.
   *
   * @throws {UmaError} `discovery_failed` when the AS names no such endpoint, or as `discover`
   */
  endpoint(name: EndpointName): Promise<{ metadata: UmaServerMetadata; url: string }>
}

/** The endpoints this configuration uses on every decision; with all of them set, no discovery. */
function baseEndpoints(options: ResolvedAs): EndpointName[] {
  const needed: EndpointName[] = ['permission_endpoint']
  if (options.rptValidation !== 'jwt') needed.push('introspection_endpoint')
  if (options.rptValidation !== 'introspect') needed.push('jwks_uri')
  if (options.pat === undefined) needed.push('token_endpoint')
  return needed
}

/**
 * Creates the metadata source of one AS.
 *
 * @param options - the AS's resolved options
 * @param discovery - the resource server's discovery cache (one for every AS)
 * @returns the source
 */
export function createMetadataSource(
  options: ResolvedAs,
  discovery: DiscoveryCache,
): MetadataSource {
  const base = baseEndpoints(options)
  const resolve = (needed: readonly string[]) =>
    resolveMetadata(options.issuer, options.metadata, needed, discovery)
  return {
    all: () => resolve(base),
    async endpoint(name) {
      const metadata = await resolve(base.includes(name) ? base : [...base, name])
      const url = metadata[name]
      if (typeof url !== 'string' || url === '') {
        throw new UmaError('discovery_failed', `the AS ${options.issuer} names no ${name}`)
      }
      return { metadata, url }
    },
  }
}
