/**
 * @module The part of a Redis client that uma-kit uses, for `redis` (node-redis) and `ioredis`
 * clients and cluster clients alike, without depending on either package.
 */
import { argumentError, describeReceived } from '@uma-kit/core/internal'

/** What uma-kit uses of a node-redis client: `createClient()` of `redis` 4 or later. */
export interface NodeRedisClientLike {
  /** node-redis's raw command: `sendCommand(['GET', key], { abortSignal })`. */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

/** What uma-kit uses of a node-redis cluster client: `createCluster()` of `redis` 4 or later. */
export interface NodeRedisClusterLike {
  /** node-redis's raw cluster command, routed by its first key. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>
  /** Present on node-redis cluster clients only: how they are told from single-node ones. */
  nodeClient(...args: never[]): unknown
}

/** What uma-kit uses of an ioredis client: `new Redis()` or `new Cluster()` of `ioredis`. */
export interface IoRedisLike {
  /** ioredis's raw command: `call('GET', key)`; a cluster client routes it by its key. */
  call(command: string, ...args: string[]): Promise<unknown>
}

/**
 * A connected Redis (or Valkey) client that the application already has: of `redis` (node-redis
 * 4 or later) or of `ioredis`, single node or cluster. uma-kit sends it plain commands on the
 * connection it has (`GETRANGE`, `SET … PX … NX`, `XADD`, `XRANGE`), never blocking ones, and
 * opens no connection of its own. Give it an `'error'` listener, as both packages require.
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisLike

/** Sends one command; `key` routes it in a cluster; `signal` drops it where the client can. */
export type RedisCommand = (args: string[], key: string, signal: AbortSignal) => Promise<unknown>

function hasMethod(value: object, name: string): boolean {
  return typeof (value as Record<string, unknown>)[name] === 'function'
}

/**
 * Tells the client's package and shape apart and gives one way to send a command.
 *
 * @param client - the application's client
 * @returns the command function
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` for anything that is neither client
 */
export function redisCommand(client: RedisClientLike): RedisCommand {
  if (typeof client !== 'object' || (client as unknown) === null) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `redisStore's client must be a redis or ioredis client, received ${describeReceived(client)}`,
    )
  }
  // ioredis has a sendCommand of its own too, but only ioredis has call
  if (hasMethod(client, 'call')) {
    const io = client as IoRedisLike
    return ([command = '', ...rest]) => io.call(command, ...rest)
  }
  if (hasMethod(client, 'sendCommand') && hasMethod(client, 'nodeClient')) {
    const cluster = client as NodeRedisClusterLike
    // never readonly: a replica may lag behind a lock or a tombstone
    return (args, key, signal) => cluster.sendCommand(key, false, args, { abortSignal: signal })
  }
  if (hasMethod(client, 'sendCommand')) {
    const single = client as NodeRedisClientLike
    return (args, _key, signal) => single.sendCommand(args, { abortSignal: signal })
  }
  throw argumentError(
    'ERR_INVALID_ARG_TYPE',
    "redisStore's client must be a redis or ioredis client (with sendCommand or call)",
  )
}
