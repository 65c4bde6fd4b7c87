/**
 * @module Permission tickets (UMA FedAuthz §4): what the RS asks for when a request comes
 * without enough permission.
 */
import { UmaError, type PermissionRequest } from '@uma-kit/core'
import {
  argumentError,
  callAs,
  describeReceived,
  isJsonObject,
  stringMember,
} from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedOptions } from './options.js'
import type { PatProvider } from './pat.js'
import { isSuccess, protectionError } from './protection-errors.js'

/** More permissions than one request should ever name. */
const MAX_PERMISSIONS = 1000

function checkPermission(value: unknown, index: number): PermissionRequest {
  const label = `permissions[${index}]`
  if (!isJsonObject(value)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `${label} must be an object, received ${describeReceived(value)}`,
    )
  }
  const { resource_id: id, resource_scopes: scopes } = value
  if (typeof id !== 'string' || id === '') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `${label}.resource_id must be a non-empty string`)
  }
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s !== '')) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${label}.resource_scopes must be an array of non-empty strings`,
    )
  }
  // only the two spec members go on the wire: vendor extensions fail elsewhere (wire.md pitfall 18)
  return { resource_id: id, resource_scopes: [...(scopes as string[])] }
}

/**
 * Checks what `requestTicket` was given.
 *
 * @param permissions - one permission or an array of them
 * @returns the permissions as an array
 * @throws {TypeError} for anything but permission objects, or an empty array
 */
export function checkPermissions(permissions: unknown): PermissionRequest[] {
  const list: unknown[] = Array.isArray(permissions) ? permissions : [permissions]
  if (list.length === 0 || list.length > MAX_PERMISSIONS) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `permissions must hold between 1 and ${MAX_PERMISSIONS} entries`,
    )
  }
  return list.map(checkPermission)
}

/**
 * Creates the ticket requester of a resource server.
 *
 * @param options - the resolved options
 * @param metadata - where the permission endpoint is
 * @param pats - the PAT provider
 * @param fetchImpl - the transport's `fetch`
 * @returns `requestTicket`
 */
export function createTicketRequester(
  options: ResolvedOptions,
  metadata: MetadataSource,
  pats: PatProvider,
  fetchImpl: typeof fetch,
): (permissions: PermissionRequest[]) => Promise<string> {
  return async function requestTicket(permissions) {
    const { url } = await metadata.endpoint('permission_endpoint')
    // an array by default: Keycloak, WSO2 and SolidLab refuse a bare object, CAS takes only
    // one (wire.md pitfall 15)
    let body: string
    if (options.permissionRequestFormat === 'array') body = JSON.stringify(permissions)
    else if (permissions.length === 1) body = JSON.stringify(permissions[0])
    else {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        "permissionRequestFormat 'object' sends one permission per request",
      )
    }
    const response = await pats.withPat((pat) =>
      callAs(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${pat}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body,
        },
        { fetch: fetchImpl, timeoutMs: options.timeoutMs, purpose: 'ticket request' },
      ),
    )
    if (!isSuccess(response.status)) throw protectionError(response, 'ticket request')
    const ticket = isJsonObject(response.json) ? stringMember(response.json, 'ticket') : undefined
    // SolidLab answers 200 with no body when it needs no ticket: never read that as "allow"
    if (ticket === undefined) {
      throw new UmaError('invalid_response', 'the permission endpoint gave no ticket', {
        asStatus: response.status,
      })
    }
    return ticket
  }
}
