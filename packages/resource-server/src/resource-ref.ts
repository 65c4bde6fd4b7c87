/**
 * @module How a route names its resource: by the id the AS gave it, or by its name (and owner)
 * at the AS, as Keycloak users do (keycloak-connect's `enforcer('photo.jpg:view')`).
 */
import { UmaError } from '@uma-kit/core'
import { describeReceived } from '@uma-kit/core/internal'

/** A resource known by its name at the AS; names are unique per owner only. */
export interface ResourceName {
  /** The resource's `name` in its registration. */
  readonly name: string
  /**
   * Its owner at the AS (Keycloak: the username or user id), where several owners may have a
   * resource of that name. Without it, a name that more than one resource carries is refused.
   */
  readonly owner?: string | undefined
}

/** A resource: its id at the AS (a string), or its name. */
export type ResourceRef = string | ResourceName

/** Longest resource id or name accepted from a resolver. */
const MAX_REF_LENGTH = 2048

/**
 * Checks what a resolver gave.
 *
 * @param ref - the resolver's answer
 * @returns the same, checked
 * @throws {UmaError} `resource_unresolved` for anything but a non-empty id or a name object
 */
export function checkResourceRef(ref: unknown): ResourceRef {
  if (typeof ref === 'string' && ref !== '' && ref.length <= MAX_REF_LENGTH) return ref
  if (typeof ref === 'object' && ref !== null) {
    const { name, owner } = ref as { name?: unknown; owner?: unknown }
    const okName = typeof name === 'string' && name !== '' && name.length <= MAX_REF_LENGTH
    const okOwner =
      owner === undefined ||
      (typeof owner === 'string' && owner !== '' && owner.length <= MAX_REF_LENGTH)
    if (okName && okOwner) return owner === undefined ? { name } : { name, owner }
  }
  const hint =
    ref === undefined || ref === null
      ? ': for a resource that does not exist, answer 404 before the guard runs'
      : ''
  throw new UmaError(
    'resource_unresolved',
    `the resource resolver gave ${describeReceived(ref)}, not a resource id or { name }${hint}`,
  )
}
