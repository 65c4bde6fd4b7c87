/**
 * The shared level over redisStore against a real redis-server, single node, with node-redis and
 * ioredis.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { CLIENT_KINDS, connectClient } from './support/redis-clients.js'
import { describeWithRedis, startRedisServer, type RedisServer } from './support/redis-server.js'
import { sharedStoreCases } from './support/shared-cases.js'

describeWithRedis('redisStore on a single redis-server', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(() => server.stop())

  describe.each(CLIENT_KINDS)('with %s', (kind) => {
    sharedStoreCases(`${kind}, single node`, () => connectClient(kind, server.port))
  })
})
