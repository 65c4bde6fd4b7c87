import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RedisCommand } from './redis-client.js'
import { createRevocationStream } from './redis-revocations.js'

/** A stream as Redis keeps it, answering XADD, XRANGE and XREVRANGE as raw replies. */
function fakeRedis() {
  let entries: [string, string[]][] = []
  let seq = 0
  const state = { down: false, calls: [] as string[][] }
  const command: RedisCommand = (args) => {
    state.calls.push(args)
    if (state.down) return Promise.reject(new Error('ECONNREFUSED'))
    const [name, , a, , , count] = args
    if (name === 'XADD') {
      const id = `${Date.now()}-${seq++}`
      entries.push([id, ['k', args.at(-1)!]])
      return Promise.resolve(id)
    }
    if (name === 'XREVRANGE') return Promise.resolve(entries.slice(-1).reverse())
    const order = (id: string) => id.split('-').map(Number) as [number, number]
    const after = (id: string, from: string) => {
      const [x, y] = order(id)
      const [p, q] = order(from)
      return x > p || (x === p && y >= q)
    }
    const from = a === '-' ? entries : entries.filter(([id]) => after(id, a!))
    return Promise.resolve(from.slice(0, Number(count)))
  }
  return {
    command,
    state,
    trimTo(n: number) {
      entries = entries.slice(-n)
    },
    restartEmpty() {
      entries = []
    },
  }
}

describe('createRevocationStream', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function listen(redis: ReturnType<typeof fakeRedis>) {
    const stream = createRevocationStream(redis.command, 'p:revoked', 200)
    const heard: string[] = []
    const stop = stream.subscribe({
      message: (m) => heard.push(m),
      lost: () => heard.push('LOST'),
    })
    return { stream, heard, stop }
  }
  const signal = new AbortController().signal

  it('delivers what is published after the subscription, each message once, within a poll', async () => {
    const redis = fakeRedis()
    const { stream, heard } = listen(redis)
    await stream.publish('old', signal)
    await vi.advanceTimersByTimeAsync(0)
    // 'old' came before the first poll ever read the stream: it is the starting point
    const { heard: late } = listen(redis)
    await vi.advanceTimersByTimeAsync(0)
    await stream.publish('a', signal)
    await stream.publish('b', signal)
    await vi.advanceTimersByTimeAsync(200)
    expect(late).toEqual(['a', 'b'])
    await vi.advanceTimersByTimeAsync(1000)
    expect(heard).toEqual(['old', 'a', 'b'])
    expect(redis.state.calls[0]).toEqual(['XREVRANGE', 'p:revoked', '+', '-', 'COUNT', '1'])
  })

  it('says lost when the last entry seen is gone: trimmed past, or Redis restarted empty', async () => {
    const redis = fakeRedis()
    const { stream, heard } = listen(redis)
    await stream.publish('a', signal)
    await vi.advanceTimersByTimeAsync(200)
    await stream.publish('b', signal)
    await stream.publish('c', signal)
    redis.trimTo(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(heard).toEqual(['a', 'LOST', 'c'])
    redis.restartEmpty()
    await vi.advanceTimersByTimeAsync(200)
    expect(heard.at(-1)).toBe('LOST')
    await stream.publish('d', signal)
    await vi.advanceTimersByTimeAsync(200)
    expect(heard.slice(-2)).toEqual(['LOST', 'd'])
  })

  it('reads what it missed while Redis was unreachable, without saying lost', async () => {
    const redis = fakeRedis()
    const { stream, heard } = listen(redis)
    await vi.advanceTimersByTimeAsync(200)
    await stream.publish('a', signal)
    await vi.advanceTimersByTimeAsync(200)
    redis.state.down = true
    await vi.advanceTimersByTimeAsync(1000)
    redis.state.down = false
    await stream.publish('b', signal)
    await vi.advanceTimersByTimeAsync(200)
    expect(heard).toEqual(['a', 'b'])
  })

  it('says lost when it could not read the stream at first', async () => {
    const redis = fakeRedis()
    redis.state.down = true
    const { heard } = listen(redis)
    await vi.advanceTimersByTimeAsync(400)
    redis.state.down = false
    await vi.advanceTimersByTimeAsync(200)
    expect(heard).toEqual(['LOST'])
  })

  it('abandons a poll that hangs, never has more than two in flight, and stops when unsubscribed', async () => {
    const hung: string[][] = []
    const command: RedisCommand = (args) => {
      hung.push(args)
      return new Promise(() => undefined)
    }
    const stream = createRevocationStream(command, 'p:revoked', 200)
    const stop = stream.subscribe({ message: () => undefined, lost: () => undefined })
    await vi.advanceTimersByTimeAsync(5000)
    expect(hung).toHaveLength(2)
    stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(hung).toHaveLength(2)
  })

  it('stops polling once the last listener has gone', async () => {
    const redis = fakeRedis()
    const { stop } = listen(redis)
    await vi.advanceTimersByTimeAsync(1000)
    const calls = redis.state.calls.length
    stop()
    await vi.advanceTimersByTimeAsync(1000)
    expect(redis.state.calls).toHaveLength(calls)
  })
})
