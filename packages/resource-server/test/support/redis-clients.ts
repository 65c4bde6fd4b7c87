/**
 * The two Redis clients uma-kit supports, connected with their default settings (node-redis
 * queues commands while disconnected, ioredis retries them), single node or cluster.
 */
import { Cluster, Redis } from 'ioredis'
import { createClient, createCluster } from 'redis'
import type { RedisClientLike } from '../../src/shared/redis-client.js'

/** The packages the tests run against. */
export const CLIENT_KINDS = ['node-redis', 'ioredis'] as const
export type ClientKind = (typeof CLIENT_KINDS)[number]

/** A connected client, as an application would hand it to `redisStore`. */
export interface TestClient {
  readonly client: RedisClientLike
  /** Sends a raw command, for tampering with what uma-kit wrote. */
  raw(...args: string[]): Promise<unknown>
  close(): Promise<void>
}

// Both packages emit 'error' while Redis is away; an application must listen, and so do tests
const ignore = () => undefined

/**
 * Connects a single-node client.
 *
 * @param kind - which package
 * @param port - the server's port on 127.0.0.1
 * @returns the client
 */
export async function connectClient(kind: ClientKind, port: number): Promise<TestClient> {
  if (kind === 'node-redis') {
    const client = createClient({ url: `redis://127.0.0.1:${port}` }).on('error', ignore)
    await client.connect()
    return {
      client,
      raw: (...args) => client.sendCommand(args),
      close: () => Promise.resolve(client.destroy()),
    }
  }
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true }).on('error', ignore)
  await client.connect()
  return {
    client,
    raw: (command = '', ...rest) => client.call(command, ...rest),
    close: () => Promise.resolve(client.disconnect()),
  }
}

/**
 * Connects a cluster client.
 *
 * @param kind - which package
 * @param ports - the masters' ports on 127.0.0.1
 * @returns the client; `raw` routes by the command's first argument after its name
 */
export async function connectClusterClient(
  kind: ClientKind,
  ports: readonly number[],
): Promise<TestClient> {
  if (kind === 'node-redis') {
    const rootNodes = ports.map((port) => ({ url: `redis://127.0.0.1:${port}` }))
    const client = createCluster({ rootNodes }).on('error', ignore)
    await client.connect()
    return {
      client,
      raw: (...args) => client.sendCommand(args[1], false, args),
      close: () => Promise.resolve(client.destroy()),
    }
  }
  const client = new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true },
  ).on('error', ignore)
  await client.connect()
  return {
    client,
    raw: (command = '', ...rest) => client.call(command, ...rest),
    close: () => Promise.resolve(client.disconnect()),
  }
}
