/**
 * @module The fleet's keys, derived from `sharedSecret`: one names a token in the shared store,
 * the other MACs each value together with its key.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import { argumentError, describeReceived } from '@uma-kit/core/internal'

/** The shortest `sharedSecret` accepted, in bytes (a string counts its UTF-8 bytes). */
export const MIN_SECRET_BYTES = 32

/** The two keys derived from one secret, never used for each other's purpose. */
export interface SharedKeys {
  /** Derives the name of a token: a reader of the store cannot test tokens against it. */
  readonly naming: Buffer
  /** MACs a value together with its key, so that a changed or moved value is refused. */
  readonly mac: Buffer
}

// Fixed, public labels: HKDF's info keeps the two keys independent (RFC 5869 §3.2)
const SALT = 'uma-kit shared RPT store'
const NAMING_INFO = 'uma-kit/shared/key-name/v1'
const MAC_INFO = 'uma-kit/shared/value-mac/v1'
const MAC_LABEL = 'uma-kit/shared/entry/v1\n'

/**
 * Derives the fleet's keys from its secret with HKDF-SHA-256.
 *
 * @param secret - `sharedSecret`: a string or bytes, at least {@link MIN_SECRET_BYTES} bytes
 * @param name - the option's name, for the message
 * @returns the keys
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` for neither a string nor a Uint8Array,
 *   `ERR_INVALID_ARG_VALUE` for fewer than 32 bytes
 */
export function deriveSharedKeys(secret: unknown, name: string): SharedKeys {
  let bytes: Buffer
  if (typeof secret === 'string') bytes = Buffer.from(secret, 'utf8')
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret)
  else {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `${name} must be a string or a Uint8Array, received ${describeReceived(secret)}`,
    )
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${name} must be at least ${MIN_SECRET_BYTES} bytes, received ${bytes.length}`,
    )
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', bytes, SALT, info, 32))
  return Object.freeze({ naming: derive(NAMING_INFO), mac: derive(MAC_INFO) })
}

/**
 * The name of a token in the store and in the local cache: HMAC-SHA-256 with the naming key,
 * 43 base64url characters. Unlike a plain SHA-256, nobody without the secret can compute it.
 *
 * @param keys - the fleet's keys
 * @param token - the RPT
 * @returns its name
 */
export function tokenName(keys: SharedKeys, token: string): string {
  return createHmac('sha256', keys.naming).update(token, 'utf8').digest('base64url')
}

/**
 * The MAC of a value under its key, 43 base64url characters.
 *
 * @param keys - the fleet's keys
 * @param key - the store key the value belongs to
 * @param payload - the value's payload, ASCII
 * @returns the MAC
 */
export function valueMac(keys: SharedKeys, key: string, payload: string): string {
  return createHmac('sha256', keys.mac)
    .update(MAC_LABEL)
    .update(key)
    .update('\n')
    .update(payload)
    .digest('base64url')
}
