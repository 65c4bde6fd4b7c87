import { describe, expect, it } from 'vitest'
import { createSingleFlight } from './single-flight.js'

describe('createSingleFlight', () => {
  it('shares one task among concurrent calls with the same key', async () => {
    const flights = createSingleFlight<string, number>()
    let started = 0
    const task = async () => {
      started++
      await new Promise((resolve) => setImmediate(resolve))
      return 42
    }
    const results = await Promise.all(Array.from({ length: 10 }, () => flights.run('a', task)))
    expect(results).toEqual(Array(10).fill(42))
    expect(started).toBe(1)
    expect(flights.size).toBe(0)
  })

  it('runs different keys separately', async () => {
    const flights = createSingleFlight<string, string>()
    const [a, b] = await Promise.all([
      flights.run('a', () => Promise.resolve('A')),
      flights.run('b', () => Promise.resolve('B')),
    ])
    expect([a, b]).toEqual(['A', 'B'])
  })

  it('forgets a failure, so the next call starts afresh', async () => {
    const flights = createSingleFlight<string, string>()
    await expect(flights.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(flights.run('a', () => Promise.resolve('ok'))).resolves.toBe('ok')
  })

  it('turns a synchronous throw into a shared rejection', async () => {
    const flights = createSingleFlight<string, string>()
    const task = (): Promise<string> => {
      throw new Error('sync')
    }
    await expect(flights.run('a', task)).rejects.toThrow('sync')
    expect(flights.size).toBe(0)
  })
})
