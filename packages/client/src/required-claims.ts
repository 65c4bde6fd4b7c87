/**
 * @module `required_claims` of a `need_info` answer (UMA Grant §3.3.6), read leniently and
 * bounded: objects (UMA 2.0) or bare names (UMA 1.0, CAS); members the spec does not define are
 * kept (SolidLab names the missing scopes in `resource_scopes`), cut to a small size.
 */
import type { RequiredClaim } from '@uma-kit/core'
import { isJsonObject, type JsonObject, type Redactor } from '@uma-kit/core/internal'

/** Most required claims read from one answer. */
export const MAX_REQUIRED_CLAIMS = 50
/** Characters of strings kept from one answer's claims, all of them together. */
export const REQUIRED_CLAIMS_BUDGET: number = 32 * 1024
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

/** Scrubs and bounds the strings of one answer, within one budget. */
class Reader {
  left = REQUIRED_CLAIMS_BUDGET
  readonly redact: Redactor

  constructor(redact: Redactor) {
    this.redact = redact
  }

  /** A string kept, or `undefined` once the budget is spent. */
  text(value: string): string | undefined {
    if (this.left <= 0) return undefined
    const clean = this.redact(value)
    const kept = clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean
    this.left -= kept.length
    return kept
  }

  list(value: unknown): string[] {
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
    const out: string[] = []
    for (const item of items.slice(0, MAX_MEMBERS)) {
      const kept = typeof item === 'string' && item !== '' ? this.text(item) : undefined
      if (kept !== undefined) out.push(kept)
    }
    return out
  }

  /** A bounded, redacted copy of JSON; `undefined` for what is dropped. */
  copy(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value)
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
    if (depth >= MAX_DEPTH || typeof value !== 'object' || this.left <= 0) return undefined
    if (Array.isArray(value)) {
      return value
        .slice(0, MAX_MEMBERS)
        .map((item) => this.copy(item, depth + 1))
        .filter((item) => item !== undefined)
    }
    return this.members(Object.entries(value), depth)
  }

  /** Members by name, with names bounded and scrubbed; a plain object of own properties. */
  members(entries: [string, unknown][], depth: number): Record<string, unknown> {
    const out: [string, unknown][] = []
    for (const [name, member] of entries.slice(0, MAX_MEMBERS)) {
      if (name.length > MAX_NAME) continue
      const copied = this.copy(member, depth + 1)
      if (copied !== undefined) out.push([this.redact(name), copied])
    }
    // fromEntries defines own properties: a member named __proto__ cannot reach a prototype
    return Object.fromEntries(out)
  }

  claim(entry: JsonObject): RequiredClaim {
    const known: [string, unknown][] = []
    for (const key of STRING_MEMBERS) {
      const v = entry[key]
      const kept = typeof v === 'string' && v !== '' ? this.text(v) : undefined
      if (kept !== undefined) known.push([key, kept])
    }
    for (const key of LIST_MEMBERS) {
      const strings = this.list(entry[key])
      if (strings.length > 0) known.push([key, strings])
    }
    const unknown = Object.entries(entry).filter(([name]) => !KNOWN.has(name))
    return { ...this.members(unknown, 0), ...Object.fromEntries(known) }
  }
}

/**
 * Reads `required_claims`. Never throws.
 *
 * @param value - the member's value, whatever its type
 * @param redact - scrubs secrets out of every string kept
 * @returns the claims (at most {@link MAX_REQUIRED_CLAIMS}, their strings within
 *   {@link REQUIRED_CLAIMS_BUDGET}), or `undefined` for a non-array
 */
export function readRequiredClaims(value: unknown, redact: Redactor): RequiredClaim[] | undefined {
  if (!Array.isArray(value)) return undefined
  const reader = new Reader(redact)
  const claims: RequiredClaim[] = []
  for (const entry of value.slice(0, MAX_REQUIRED_CLAIMS)) {
    if (reader.left <= 0) break
    if (typeof entry === 'string' && entry !== '') {
      const name = reader.text(entry)
      if (name !== undefined) claims.push({ name })
    } else if (isJsonObject(entry)) claims.push(reader.claim(entry))
  }
  return claims
}
