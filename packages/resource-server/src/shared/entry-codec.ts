/**
 * @module The form of a checked RPT in the shared store, MACed with its key, and the reader that
 * trusts nothing from the store before the MAC is checked.
 */
import { timingSafeEqual } from 'node:crypto'
import { type RptIntrospection } from '@uma-kit/core'
import { isJsonObject } from '@uma-kit/core/internal'
import { valueMac, type SharedKeys } from './keys.js'

/** A checked RPT as the fleet shares it. */
export interface SharedEntry {
  /** What the AS answered. */
  readonly introspection: RptIntrospection
  /** When the AS was asked, in milliseconds since the epoch. */
  readonly checkedAt: number
  /** Until when the answer may be used, in milliseconds since the epoch. */
  readonly expiresAt: number
}

/** What a reader accepts. */
export interface EntryLimits {
  /** The reader's clock, in milliseconds since the epoch. */
  readonly now: number
  /** The longest value read, in characters. */
  readonly maxLength: number
  /** The longest an entry may live after its check, in milliseconds. */
  readonly maxTtlMs: number
  /** How far the writer's clock may be ahead of the reader's, in milliseconds. */
  readonly clockToleranceMs: number
}

const PREFIX = 'u1.'
const MAC_LENGTH = 43
const MAC_SHAPE = /^[A-Za-z0-9_-]{43}$/
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** Marks an RPT revoked in the store; a reader takes it as a miss, a waiter stops waiting. */
export const TOMBSTONE = 'u1.revoked'

// The payload is kept to printable ASCII so that a value's length is its size in bytes (the
// store's read is bounded in bytes) and the MAC covers exactly the characters read back.
function toAscii(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Writes an entry as a store value: `u1.<MAC>.<JSON>`, the MAC over the key and the JSON.
 *
 * @param keys - the fleet's keys
 * @param key - the store key it will be written under
 * @param entry - the entry
 * @param maxLength - values longer than this are not written, since no reader would take them
 * @returns the value, or `undefined` when the entry cannot be written
 */
export function encodeEntry(
  keys: SharedKeys,
  key: string,
  entry: SharedEntry,
  maxLength: number,
): string | undefined {
  let payload: string
  try {
    payload = toAscii(
      JSON.stringify({ c: entry.checkedAt, e: entry.expiresAt, i: entry.introspection }),
    )
  } catch {
    // a BigInt or a cycle in the introspection: it is simply not shared
    return undefined
  }
  const value = `${PREFIX}${valueMac(keys, key, payload)}.${payload}`
  return value.length <= maxLength ? value : undefined
}

/**
 * Reads a store value back, trusting nothing in it before its MAC is checked.
 *
 * @param keys - the fleet's keys
 * @param key - the store key it was read under
 * @param value - what the store gave
 * @param limits - the reader's clock and bounds
 * @returns the entry, or `undefined` for anything but a live entry written under this key with
 *   this secret
 */
export function decodeEntry(
  keys: SharedKeys,
  key: string,
  value: unknown,
  limits: EntryLimits,
): SharedEntry | undefined {
  if (typeof value !== 'string' || value.length > limits.maxLength) return undefined
  if (!value.startsWith(PREFIX) || value[PREFIX.length + MAC_LENGTH] !== '.') return undefined
  const mac = value.slice(PREFIX.length, PREFIX.length + MAC_LENGTH)
  const payload = value.slice(PREFIX.length + MAC_LENGTH + 1)
  // compared as characters, never as decoded base64url, which maps several strings to one MAC
  if (!MAC_SHAPE.test(mac) || !PRINTABLE_ASCII.test(payload)) return undefined
  const expected = valueMac(keys, key, payload)
  if (!timingSafeEqual(Buffer.from(mac, 'latin1'), Buffer.from(expected, 'latin1'))) {
    return undefined
  }
  return readPayload(payload, limits)
}

function readPayload(payload: string, limits: EntryLimits): SharedEntry | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (!isJsonObject(parsed)) return undefined
  const { c: checkedAt, e: expiresAt, i: introspection } = parsed
  if (!Number.isSafeInteger(checkedAt) || !Number.isSafeInteger(expiresAt)) return undefined
  if (!isJsonObject(introspection) || typeof introspection.active !== 'boolean') return undefined
  const c = checkedAt as number
  const e = expiresAt as number
  const { now, maxTtlMs, clockToleranceMs } = limits
  if (e <= now || c > now + clockToleranceMs || e > c + maxTtlMs) return undefined
  return { introspection: introspection as RptIntrospection, checkedAt: c, expiresAt: e }
}
