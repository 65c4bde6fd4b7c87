/**
 * The shared level over redisStore on a real three-master Redis cluster, with the cluster
 * clients of node-redis and ioredis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_KINDS, connectClient, connectClusterClient } from './support/redis-clients.js'
import { startRedisCluster, type RedisCluster } from './support/redis-cluster.js'
import { describeWithRedis } from './support/redis-server.js'
import { activeEntry, sharedStoreCases, useFleet } from './support/shared-cases.js'

describeWithRedis('redisStore on a three-master redis cluster', () => {
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await startRedisCluster(3)
  }, 30_000)
  afterAll(() => cluster.stop())

  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    const connect = () => connectClusterClient(kind, cluster.ports)
    sharedStoreCases(`${kind}, cluster`, connect)

    const instance = useFleet(connect)
    it('spreads the entries over the masters', async () => {
      const [a, b] = [await instance(), await instance()]
      const keys = Array.from({ length: 30 }, (_, i) => a.level.localKey(`rpt-spread-${i}`))
      await Promise.all(keys.map((key) => a.level.write(key, activeEntry())))
      const read = await Promise.all(keys.map((key) => b.level.read(key)))
      expect(read.every((entry) => entry !== undefined)).toBe(true)
      const counts = await Promise.all(
        cluster.nodes.map(async (node) => {
          const single = await connectClient(kind, node.port)
          try {
            return Number(await single.raw('DBSIZE'))
          } finally {
            await single.close()
          }
        }),
      )
      expect(counts.filter((n) => n > 0).length).toBe(3)
    })
  })
})
