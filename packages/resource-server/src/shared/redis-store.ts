/**
 * @module {@link redisStore}: the shared store of a fleet on Redis or Valkey, over the
 * application's own `redis` or `ioredis` client.
 */
import { argumentError, describeReceived, readOptions } from '@uma-kit/core/internal'
import { numberOption } from '../option-readers.js'
import { redisCommand, type RedisClientLike } from './redis-client.js'
import { createRevocationStream } from './redis-revocations.js'
import type { SharedRptStore } from './store.js'

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * Put before every key uma-kit writes. Give each fleet (each AS and resource set) its own.
   * @default 'uma-kit:'
   */
  prefix?: string
  /**
   * How often each instance looks for revocations, in milliseconds, from 10 to 900: a
   * revocation reaches every instance within about this long plus one round trip.
   * @default 200
   */
  pollIntervalMs?: number
}

function valueOf(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply === '' ? undefined : reply
  if (reply instanceof Uint8Array)
    return reply.length === 0 ? undefined : Buffer.from(reply).toString()
  return undefined
}

const isWrongType = (err: unknown) => err instanceof Error && err.message.startsWith('WRONGTYPE')

/**
 * A {@link SharedRptStore} on Redis (or Valkey), for `cache.shared`.
 *
 * Keys: `<prefix>rpt:<name>` for checked RPTs, `<prefix>lock:<name>` for the lock of a first
 * use, `<prefix>revoked` for the stream of revocations. No command touches two keys, so no hash
 * tags are needed in a cluster and the entries spread over every slot; the stream is one key on
 * one node. (A prefix with a hash tag, `{uma}:`, would put every key in one slot: allowed, but
 * it gives the spread up.)
 *
 * Revocations go through that stream, capped near 10 000 entries, which every instance polls with
 * a plain `XRANGE` every `pollIntervalMs`, rather than through pub/sub, because:
 * - it needs no connection of its own (pub/sub needs a dedicated subscriber, a `duplicate()`
 *   that the application would have to connect, authenticate and close), and no blocking
 *   command that would hold up the shared connection;
 * - an instance that was cut off reads what it missed when it is back, and can tell when it
 *   cannot (the stream was trimmed past it, or Redis restarted empty) and then forgets every RPT
 *   it keeps; pub/sub drops messages sent while a subscriber reconnects, without a sign;
 * - it works the same in a cluster (one key), where pub/sub sends every message over the
 *   cluster bus to every node;
 * and costs one small read per instance per `pollIntervalMs`.
 *
 * Reads are `GETRANGE` bounded to the largest value uma-kit accepts, so a huge value planted in
 * Redis is never transferred whole. The client keeps its own behaviour (node-redis queues
 * commands while disconnected, ioredis retries them); uma-kit bounds every call with its own
 * timeout and, on node-redis 5 or later, aborts the command when it stops waiting.
 *
 * @param client - the application's connected client: of `redis` (node-redis 4 or later) or
 *   `ioredis`, single node or cluster
 * @param options - the key prefix and the poll interval
 * @returns the store
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` or `ERR_INVALID_ARG_VALUE` for a bad argument
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).on('error', log).connect()
 * const rs = createResourceServer({
 *   issuer, clientId, clientSecret,
 *   cache: { shared: redisStore(redis), sharedSecret: process.env.UMA_SHARED_SECRET },
 * })
 * ```
 */
export function redisStore(client: RedisClientLike, options?: RedisStoreOptions): SharedRptStore {
  const command = redisCommand(client)
  const o = readOptions<RedisStoreOptions>(options, 'redisStore options')
  const prefix = o.prefix ?? 'uma-kit:'
  if (typeof prefix !== 'string') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `redisStore options.prefix must be a string, received ${describeReceived(prefix)}`,
    )
  }
  const pollIntervalMs = numberOption('pollIntervalMs', o.pollIntervalMs, 200, { min: 10 })
  if (pollIntervalMs > 900) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.pollIntervalMs must be at most 900, or revocations take more than a second',
    )
  }
  const stream = createRevocationStream(command, `${prefix}revoked`, pollIntervalMs)

  return {
    async get(key, maxLength, signal) {
      const k = prefix + key
      try {
        // GETRANGE's end is inclusive: one character more than accepted tells a value too long
        return valueOf(await command(['GETRANGE', k, '0', String(maxLength)], k, signal))
      } catch (err) {
        // a key of another type is garbage, not a store fault
        if (isWrongType(err)) return undefined
        throw err
      }
    },
    async set(key, value, ttlMs, signal) {
      const k = prefix + key
      await command(['SET', k, value, 'PX', String(ttlMs)], k, signal)
    },
    async setIfAbsent(key, value, ttlMs, signal) {
      const k = prefix + key
      const reply = await command(['SET', k, value, 'PX', String(ttlMs), 'NX'], k, signal)
      return reply === 'OK'
    },
    publish: (message, signal) => stream.publish(message, signal),
    subscribe: (listener) => stream.subscribe(listener),
  }
}
