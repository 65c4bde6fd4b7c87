/**
 * @module What an AS vouched for about an RPT, read once at the boundary: `active` as a boolean,
 * every time claim as a number of seconds, the permissions in the spec's shape, all frozen.
 * Nothing later compares a raw wire value, and nothing a caller is handed can change a later
 * decision.
 */
import { normalizePermissions, type Permission, type RptIntrospection } from '@uma-kit/core'
import { isJsonObject, numberMember, stringMember, type JsonObject } from '@uma-kit/core/internal'

/** A checked RPT: the AS's answer (or the verified JWT's payload) and what was read from it. */
export interface CheckedRpt {
  readonly active: boolean
  /** `exp` in seconds since the epoch, where the answer had one. */
  readonly exp: number | undefined
  /** `nbf` in seconds since the epoch, where the answer had one. */
  readonly nbf: number | undefined
  readonly permissions: readonly Readonly<Permission>[]
  /** The answer itself, frozen: `req.uma.introspection`. */
  readonly introspection: Readonly<RptIntrospection>
  /** About how much memory the entry takes, for the cache's byte bound. */
  readonly sizeBytes: number
  /** The requesting party's `sub`, where the AS gave one. */
  readonly sub: string | undefined
  /** The client the RPT was issued to: `client_id`, else Keycloak's `azp`. */
  readonly clientId: string | undefined
}

/** Beyond this depth an answer is not walked further (it is refused as inactive). */
const MAX_DEPTH = 64

/** Freezes parsed JSON all the way down, without recursion; `false` when it is too deep. */
function deepFreeze(root: object): boolean {
  const stack: [object, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [object, number]
    if (depth > MAX_DEPTH) return false
    Object.freeze(value)
    for (const member of Object.values(value) as unknown[]) {
      if (typeof member === 'object' && member !== null && !Object.isFrozen(member)) {
        stack.push([member, depth + 1])
      }
    }
  }
  return true
}

/** A time claim: absent, or a number (a numeric string too); anything else cannot be checked. */
function timeClaim(answer: JsonObject, name: string): { ok: boolean; value?: number } {
  const raw = answer[name]
  if (raw === undefined || raw === null) return { ok: true }
  const value = numberMember(answer, name)
  return value === undefined ? { ok: false } : { ok: true, value }
}

const INACTIVE_ANSWER: Readonly<RptIntrospection> = Object.freeze({ active: false })

/** What every inactive, unknown, expired-on-arrival or unreadable token gives. */
export const INACTIVE: CheckedRpt = Object.freeze({
  active: false,
  exp: undefined,
  nbf: undefined,
  permissions: Object.freeze([]),
  introspection: INACTIVE_ANSWER,
  sizeBytes: 64,
  sub: undefined,
  clientId: undefined,
})

/**
 * Reads an introspection answer or a verified JWT payload. Only `active: true` is active; an
 * `exp`, `nbf` or `iat` that is present but is neither a number nor a numeric string makes the
 * token inactive (it cannot be checked, so it fails closed), as does an answer nested deeper
 * than 64 levels.
 *
 * @param answer - the parsed answer (owned from here on: it is frozen in place)
 * @param sizeBytes - the size of the answer as received
 * @returns the checked RPT, frozen
 */
export function toCheckedRpt(answer: unknown, sizeBytes: number): CheckedRpt {
  if (!isJsonObject(answer) || answer.active !== true) return INACTIVE
  const exp = timeClaim(answer, 'exp')
  const nbf = timeClaim(answer, 'nbf')
  const iat = timeClaim(answer, 'iat')
  if (!exp.ok || !nbf.ok || !iat.ok || !deepFreeze(answer)) return INACTIVE
  const permissions = normalizePermissions(answer)
  for (const permission of permissions) {
    Object.freeze(permission.resource_scopes)
    Object.freeze(permission)
  }
  return Object.freeze({
    active: true,
    exp: exp.value,
    nbf: nbf.value,
    permissions: Object.freeze(permissions),
    introspection: answer as Readonly<RptIntrospection>,
    sizeBytes: sizeBytes + 256 * permissions.length,
    sub: stringMember(answer, 'sub'),
    clientId: stringMember(answer, 'client_id') ?? stringMember(answer, 'azp'),
  })
}
