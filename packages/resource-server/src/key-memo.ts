/**
 * @module The cache key of a token, remembered for the connection that sent it. A client on a
 * keep-alive connection sends the same `Authorization` value with every request, and hashing
 * it again each time was the largest part of a cache hit: about 5 µs of a running server's
 * time (OpenSSL's code is cold between two requests), where comparing it with the one
 * remembered costs well under one. What is remembered per connection is the last token and
 * its key; the key is a pure function of the token, so a remembered key decides nothing by
 * itself: the cache, its lifetimes and revocations are read exactly as for a computed one.
 *
 * What this keeps in memory that hashing alone did not: the last bearer token of each open
 * connection, held by that connection's socket (a `WeakMap`), gone with the socket when the
 * connection closes (after Node.js's `keepAliveTimeout`, 5 s by default, when idle) and
 * replaced by the next token it sends. The caches, their keys and the shared store still never
 * hold a token. The comparison with the remembered token is V8's string equality, which is
 * not constant-time; it only ever compares two values sent over the same connection, and on a
 * connection shared by several clients (behind a proxy) a difference in where two tokens first
 * differ is a fraction of a nanosecond against tens of microseconds of noise per request.
 */

/** A token's cache key, remembered per holder (a request's socket) where one is given. */
export type KeyOf = (token: string, holder?: object) => string

interface Remembered {
  token: string
  key: string
}

/**
 * Remembers, per holder, the last token's key.
 *
 * @param keyOf - the cache key of a token (a hash or a MAC of it)
 * @returns `keyOf`, remembering the last token of each holder
 */
export function rememberKeys(keyOf: (token: string) => string): KeyOf {
  const last = new WeakMap<object, Remembered>()
  return (token, holder) => {
    if (holder === undefined) return keyOf(token)
    const remembered = last.get(holder)
    if (remembered !== undefined && remembered.token === token) return remembered.key
    const key = keyOf(token)
    if (remembered === undefined) last.set(holder, { token, key })
    else {
      // the connection's slot is reused: no new entry in the WeakMap when its token changes
      remembered.token = token
      remembered.key = key
    }
    return key
  }
}
