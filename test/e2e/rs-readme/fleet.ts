/** The resource-server README's fleet example: checked RPTs shared through Redis. */
import { createResourceServer, redisStore } from '@uma-kit/resource-server'
import { createClient } from 'redis'

// the client your service already has (ioredis works the same way; clusters of either too)
const redis: ReturnType<typeof createClient> = createClient({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
})
redis.on('error', (err: unknown) => console.warn('redis:', err)) // uma-kit decides without it
await redis.connect()

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
  cache: {
    shared: redisStore(redis, { prefix: 'photos:' }),
    // the same on every instance, at least 32 bytes: keys and entries are MACed with it
    sharedSecret: process.env.UMA_SHARED_SECRET ?? '',
  },
})
// after a logout or a suspected leak: every instance asks the AS again within a second
await rs.revoke(process.env.REVOKED_RPT ?? 'an-rpt')

export { redis, rs }
