/**
 * @module Resource descriptions in and out: what is sent, and how each server's answer is read
 * (UMA FedAuthz §3, §6; pitfalls 8–10).
 */
import { UmaError, type ResourceDescription } from '@uma-kit/core'
import {
  argumentError,
  describeReceived,
  isJsonObject,
  type AsResponse,
  type JsonObject,
} from '@uma-kit/core/internal'

function scopeName(scope: unknown): string | undefined {
  if (typeof scope === 'string') return scope === '' ? undefined : scope
  // Keycloak returns scopes as {"name": "view"} (the README's vendor notes)
  if (isJsonObject(scope) && typeof scope.name === 'string' && scope.name !== '') return scope.name
  return undefined
}

/**
 * Checks a description before it is sent, writing scopes as plain names.
 *
 * @param description - what the caller passed
 * @returns the JSON object to send
 * @throws {TypeError} without `resource_scopes` as an array of names, or with a bad `name`
 */
export function checkDescription(description: unknown): JsonObject & { resource_scopes: string[] } {
  if (!isJsonObject(description)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `description must be an object, received ${describeReceived(description)}`,
    )
  }
  const raw = description.resource_scopes
  const scopes = Array.isArray(raw) ? raw.map(scopeName) : undefined
  if (scopes === undefined || scopes.some((s) => s === undefined)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'description.resource_scopes must be an array of scope names',
    )
  }
  if (
    description.name !== undefined &&
    (typeof description.name !== 'string' || description.name === '')
  ) {
    throw argumentError('ERR_INVALID_ARG_VALUE', 'description.name must be a non-empty string')
  }
  return { ...description, resource_scopes: scopes as string[] }
}

/**
 * Whether an AS speaks UMA 1.0's Resource Set Registration (Apereo CAS), whose update takes the
 * resource's `_id` in the body as well as in the path (the README's vendor notes).
 *
 * @param metadata - the AS's metadata
 * @returns whether to send `_id` with an update
 */
export function wantsIdInUpdate(metadata: JsonObject): boolean {
  return (
    metadata.version === '1.0' || typeof metadata.resource_set_registration_endpoint === 'string'
  )
}

/**
 * The `_id` as an update body carries it: CAS's ids are numbers.
 *
 * @param id - the resource id
 * @returns the id, numeric where it is all digits
 */
export function bodyId(id: string): string | number {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id
}

function idMember(body: JsonObject): string | undefined {
  for (const name of ['_id', 'resourceId', 'id']) {
    const value = body[name]
    if ((typeof value === 'string' && value !== '') || typeof value === 'number')
      return String(value)
  }
  return undefined
}

function unwrapEntity(body: JsonObject): JsonObject {
  // CAS wraps resources as {"entity": {...}, "code": "FOUND"} (Apereo CAS: see the README's vendor notes)
  return isJsonObject(body.entity) ? body.entity : body
}

/**
 * The id of a resource just created: `_id`, CAS's `resourceId`, an `id` in CAS's entity, else the
 * last segment of `Location`.
 *
 * @param response - the creation answer
 * @returns the id and the policy URI where the AS gave one
 * @throws {UmaError} `invalid_response` when no id can be found
 */
export function idFromCreation(response: AsResponse): {
  _id: string
  user_access_policy_uri?: string
} {
  const body = isJsonObject(response.json) ? response.json : {}
  const id = idMember(body) ?? idMember(unwrapEntity(body)) ?? idFromLocation(response.headers)
  if (id === undefined) {
    throw new UmaError('invalid_response', 'the resource creation answer holds no _id', {
      asStatus: response.status,
    })
  }
  const policy = body.user_access_policy_uri
  return typeof policy === 'string' ? { _id: id, user_access_policy_uri: policy } : { _id: id }
}

function idFromLocation(headers: Headers): string | undefined {
  const location = headers.get('location')
  if (location === null) return undefined
  try {
    const segment = new URL(location, 'http://x').pathname.split('/').filter(Boolean).pop()
    return segment === undefined ? undefined : decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/**
 * Reads a resource description, whatever the server's shape: scopes as names (CAS calls them
 * `scopes`), `_id` as asked when the server leaves it out (SolidLab), CAS's entity unwrapped.
 *
 * @param response - the read answer
 * @param id - the id that was read
 * @returns the description
 * @throws {UmaError} `invalid_response` for a body that is not a description
 */
export function readDescription(
  response: AsResponse,
  id: string,
): ResourceDescription & { _id: string } {
  if (!isJsonObject(response.json)) {
    throw new UmaError('invalid_response', 'the resource read answer is not a JSON object', {
      asStatus: response.status,
    })
  }
  const body = unwrapEntity(response.json)
  // CAS's entity names them `scopes` (Apereo CAS: see the README's vendor notes)
  const listed = Array.isArray(body.resource_scopes) ? body.resource_scopes : body.scopes
  const raw: unknown[] = Array.isArray(listed) ? listed : []
  const scopes = raw.map(scopeName).filter((s): s is string => s !== undefined)
  return { ...body, _id: idMember(body) ?? id, resource_scopes: scopes }
}
