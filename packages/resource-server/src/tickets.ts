/**
 * @module Permission tickets (UMA FedAuthz §4): what the RS asks for when a request comes
 * without enough permission.
 */
import { UmaError, type PermissionRequest } from '@uma-kit/core'
import { argumentError, describeReceived, isJsonObject, stringMember } from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedAs } from './as-options.js'
import type { CallContext } from './call-context.js'
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
  // only the two spec members go on the wire: vendor extensions fail elsewhere (the README's vendor notes)
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

/** CAS registers resources with numeric ids and wants them as numbers (Apereo CAS: see the README's vendor notes). */
function asCasPermission(permission: PermissionRequest): object {
  const id = permission.resource_id
  return /^[1-9]\d{0,14}$/.test(id) ? { ...permission, resource_id: Number(id) } : permission
}

/** Writes the permission request body in the AS's format. */
function requestBody(as: ResolvedAs, permissions: PermissionRequest[]): string {
  // an array by default: Keycloak, WSO2 and SolidLab refuse a bare object, CAS takes only
  // one (the README's vendor notes)
  if (as.permissionRequestFormat === 'array') return JSON.stringify(permissions)
  const [only] = permissions
  if (permissions.length === 1 && only !== undefined) return JSON.stringify(asCasPermission(only))
  throw argumentError(
    'ERR_INVALID_ARG_VALUE',
    "permissionRequestFormat 'object' sends one permission per request",
  )
}

/** Requests a ticket for permissions, within a decision's deadline. */
export type TicketRequester = (
  permissions: PermissionRequest[],
  context?: CallContext,
) => Promise<string>

/**
 * Creates the ticket requester of one AS.
 *
 * @param as - the AS's resolved options
 * @param metadata - where the permission endpoint is
 * @param pats - the PAT provider (its calls carry the bounds and the transport)
 * @returns `requestTicket`
 */
export function createTicketRequester(
  as: ResolvedAs,
  metadata: MetadataSource,
  pats: PatProvider,
): TicketRequester {
  return async function requestTicket(permissions, context = {}) {
    const body = requestBody(as, permissions)
    const { url } = await metadata.endpoint('permission_endpoint')
    const response = await pats.request(
      { url, method: 'POST', contentType: 'application/json', body, purpose: 'ticket request' },
      context,
    )
    if (!isSuccess(response.status)) throw protectionError(response, 'ticket request')
    const ticket = isJsonObject(response.json) ? stringMember(response.json, 'ticket') : undefined
    // SolidLab answers 200 with no body for resources it deems public: never read that as
    // "allow", and never as "unreachable" either (the README's vendor notes)
    if (ticket === undefined) {
      throw new UmaError(
        'ticket_not_issued',
        `the permission endpoint of ${as.issuer} answered HTTP ${response.status} without a ticket`,
        { asStatus: response.status },
      )
    }
    return ticket
  }
}
