/**
 * @module Endpoints set by hand (`metadata` options) merged with discovery.
 */
import type { DiscoveryCache } from './discovery.js'
import { argumentError, describeReceived } from './errors.js'
import { isJsonObject } from './json.js'
import type { UmaServerMetadata } from './types.js'
import { isHttpsOrLoopback } from './url.js'

const URL_MEMBER = /(_endpoint|_uri)$/

/**
 * Validates endpoints configured by hand, for ASes with no discovery document (WSO2 IS, CAS).
 * Members ending in `_endpoint` or `_uri` must be `https` URLs (plain `http` on loopback only):
 * credentials go to them, and keys come from `jwks_uri`.
 *
 * @param value - the `metadata` option
 * @param label - its name, for error messages
 * @returns a frozen copy
 * @throws {TypeError} for a non-object or an endpoint that is not an http(s) URL
 */
export function checkManualMetadata(
  value: unknown,
  label = 'options.metadata',
): Readonly<Partial<UmaServerMetadata>> {
  if (!isJsonObject(value)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `${label} must be an object, received ${describeReceived(value)}`,
    )
  }
  for (const [name, member] of Object.entries(value)) {
    if (!URL_MEMBER.test(name) || member === undefined) continue
    if (typeof member !== 'string' || !isHttpsOrLoopback(member)) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `${label}.${name} must be an https URL (plain http is allowed on loopback only)`,
      )
    }
  }
  return Object.freeze({ ...value })
}

/**
 * The metadata of an AS: the hand-set endpoints alone where they hold every member in `needed`
 * (no discovery then), else the discovered document with the hand-set members on top.
 *
 * @param issuer - the AS's issuer
 * @param manual - endpoints set by hand, already checked by {@link checkManualMetadata}
 * @param needed - members the caller is about to use
 * @param discovery - where to discover the rest
 * @returns the metadata
 * @throws {UmaError} as `discover`, when discovery is needed
 */
export async function resolveMetadata(
  issuer: string,
  manual: Readonly<Partial<UmaServerMetadata>> | undefined,
  needed: readonly string[],
  discovery: DiscoveryCache,
): Promise<UmaServerMetadata> {
  if (manual !== undefined && needed.every((name) => typeof manual[name] === 'string')) {
    return { token_endpoint: '', ...manual, issuer }
  }
  const discovered = await discovery.get(issuer)
  return manual === undefined ? discovered : { ...discovered, ...manual }
}
