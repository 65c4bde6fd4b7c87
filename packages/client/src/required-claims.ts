/**
 * @module `required_claims` of a `need_info` answer (UMA Grant §3.3.6), read leniently and
 * bounded: objects (UMA 2.0) or bare names (UMA 1.0, CAS); members the spec does not define are
 * kept (SolidLab names the missing scopes in `resource_scopes`), cut to a small size.
 */
import type { RequiredClaim } from '@uma-kit/core'
import { isJsonObject, type JsonObject, type Redactor } from '@uma-kit/core/internal'

/** Most required claims read from one answer. */
export const MAX_REQUIRED_CLAIMS = 50
/** Most members kept per claim, and entries per array. */
const MAX_MEMBERS = 20
/** Deepest nesting kept inside an unknown member. */
const MAX_DEPTH = 3
/** Longest string kept, and longest member name. */
const MAX_STRING = 1000
const MAX_NAME = 100

const STRING_MEMBERS = ['name', 'friendly_name', 'claim_type'] as const
const LIST_MEMBERS = ['claim_token_format', 'issuer'] as const
const KNOWN: ReadonlySet<string> = new Set<string>([...STRING_MEMBERS, ...LIST_MEMBERS])

function boundedString(value: string, redact: Redactor): string {
  const clean = redact(value)
  return clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean
}

function stringList(value: unknown, redact: Redactor): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  return list
    .slice(0, MAX_MEMBERS)
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .map((s) => boundedString(s, redact))
}

/** A bounded, redacted copy of JSON; `undefined` for what is dropped. */
function copyBounded(value: unknown, redact: Redactor, depth: number): unknown {
  if (typeof value === 'string') return boundedString(value, redact)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  if (depth >= MAX_DEPTH || typeof value !== 'object') return undefined
  if (Array.isArray(value)) {
    return value
      .slice(0, MAX_MEMBERS)
      .map((item) => copyBounded(item, redact, depth + 1))
      .filter((item) => item !== undefined)
  }
  const out: [string, unknown][] = []
  for (const [name, member] of Object.entries(value).slice(0, MAX_MEMBERS)) {
    const copied = copyBounded(member, redact, depth + 1)
    if (name.length <= MAX_NAME && copied !== undefined) out.push([redact(name), copied])
  }
  // fromEntries defines own properties: a member named __proto__ cannot reach a prototype
  return Object.fromEntries(out)
}

function readClaim(entry: JsonObject, redact: Redactor): RequiredClaim {
  const members: [string, unknown][] = []
  for (const [name, value] of Object.entries(entry).slice(0, MAX_MEMBERS)) {
    if (KNOWN.has(name) || name.length > MAX_NAME) continue
    const copied = copyBounded(value, redact, 1)
    if (copied !== undefined) members.push([redact(name), copied])
  }
  for (const key of STRING_MEMBERS) {
    const v = entry[key]
    if (typeof v === 'string' && v !== '') members.push([key, boundedString(v, redact)])
  }
  for (const key of LIST_MEMBERS) {
    const strings = stringList(entry[key], redact)
    if (strings.length > 0) members.push([key, strings])
  }
  // fromEntries, not assignment: a member named __proto__ stays a plain own property
  return Object.fromEntries(members) as RequiredClaim
}

/**
 * Reads `required_claims`. Never throws.
 *
 * @param value - the member's value, whatever its type
 * @param redact - scrubs secrets out of every string kept
 * @returns the claims (at most {@link MAX_REQUIRED_CLAIMS}), or `undefined` for a non-array
 */
export function readRequiredClaims(value: unknown, redact: Redactor): RequiredClaim[] | undefined {
  if (!Array.isArray(value)) return undefined
  const claims: RequiredClaim[] = []
  for (const entry of value.slice(0, MAX_REQUIRED_CLAIMS)) {
    if (typeof entry === 'string' && entry !== '') claims.push({ name: boundedString(entry, redact) })
    else if (isJsonObject(entry)) claims.push(readClaim(entry, redact))
  }
  return claims
}
