import { describe, expect, it } from 'vitest'
import type { IoRedisLike, NodeRedisClientLike, NodeRedisClusterLike } from './redis-client.js'
import { redisStore } from './redis-store.js'

const signal = new AbortController().signal

function recording(reply: unknown = 'OK') {
  const calls: unknown[][] = []
  const answer = (...args: unknown[]) => {
    calls.push(args)
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply)
  }
  const single: NodeRedisClientLike = { sendCommand: answer }
  const cluster: NodeRedisClusterLike = { sendCommand: answer, nodeClient: () => undefined }
  // ioredis clients have a sendCommand too, which must not be used
  const io: IoRedisLike & { sendCommand: () => never } = {
    call: answer,
    sendCommand: () => {
      throw new Error('not this one')
    },
  }
  return { calls, single, cluster, io }
}

describe('redisStore', () => {
  it('sends node-redis single-node clients raw commands with the abort signal', async () => {
    const r = recording()
    await redisStore(r.single, { prefix: 'p:' }).set('rpt:k', 'v', 1500, signal)
    expect(r.calls).toEqual([[['SET', 'p:rpt:k', 'v', 'PX', '1500'], { abortSignal: signal }]])
  })

  it('routes node-redis cluster commands by their key, on masters', async () => {
    const r = recording(null)
    expect(await redisStore(r.cluster).setIfAbsent('lock:k', 'me', 5000, signal)).toBe(false)
    expect(r.calls).toEqual([
      [
        'uma-kit:lock:k',
        false,
        ['SET', 'uma-kit:lock:k', 'me', 'PX', '5000', 'NX'],
        { abortSignal: signal },
      ],
    ])
  })

  it('sends ioredis clients the same commands through call', async () => {
    const r = recording('u1.value')
    expect(await redisStore(r.io).get('rpt:k', 100, signal)).toBe('u1.value')
    expect(r.calls).toEqual([['GETRANGE', 'uma-kit:rpt:k', '0', '100']])
  })

  it('reads a missing key, an empty value and a key of another type as no value', async () => {
    expect(await redisStore(recording('').io).get('k', 10, signal)).toBeUndefined()
    const wrongType = new Error('WRONGTYPE Operation against a key holding the wrong kind of value')
    expect(await redisStore(recording(wrongType).io).get('k', 10, signal)).toBeUndefined()
    await expect(
      redisStore(recording(new Error('LOADING')).io).get('k', 10, signal),
    ).rejects.toThrow('LOADING')
    expect(await redisStore(recording(Buffer.from('u1.x')).single).get('k', 10, signal)).toBe(
      'u1.x',
    )
  })

  it('refuses what is not a Redis client, and bad options', () => {
    for (const bad of [null, undefined, 'redis://localhost', {}, { get: () => undefined }]) {
      expect(() => redisStore(bad as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      )
    }
    const { io } = recording()
    expect(() => redisStore(io, { prefix: 42 as never })).toThrow(/prefix must be a string/)
    expect(() => redisStore(io, { pollIntervalMs: 5 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    )
    expect(() => redisStore(io, { pollIntervalMs: 901 })).toThrow(/at most 900/)
  })
})
