/**
 * One `umaFetch` for many requesting parties, and the caller's cancellation, against the
 * development AS and the photo RS over real HTTP.
 */
import { createUmaFetch, isUmaError } from '@uma-kit/client'
import { afterEach, describe, expect, it } from 'vitest'
import { bobOptions, count, startStack, type Stack } from './support.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createUmaFetch over real HTTP: parties', () => {
  it('gives each party its own RPT and reuses it for that party only', async () => {
    stack = await startStack()
    const umaFetch = createUmaFetch(bobOptions(stack))
    const first = umaFetch.forParty('user-1')
    const second = umaFetch.forParty('user-2')
    expect((await first(stack.photo)).status).toBe(200)
    expect((await second(stack.photo)).status).toBe(200)
    expect(count(stack.events, 'rpt_issued')).toBe(2)
    expect((await first(stack.photo)).status).toBe(200)
    expect((await second(stack.photo)).status).toBe(200)
    expect(count(stack.events, 'rpt_issued')).toBe(2)
  })
})

describe('createUmaFetch over real HTTP: cancellation', () => {
  it('stops polling for the owner’s approval when the caller aborts', async () => {
    stack = await startStack()
    const controller = new AbortController()
    const bob = createUmaFetch({
      ...bobOptions(stack),
      claims: ({ requiredClaims }) =>
        requiredClaims?.some((claim) => claim.name === 'email') === true
          ? {
              claim_token: Buffer.from('{"email":"bob@example.com"}').toString('base64url'),
              claim_token_format: 'urn:ietf:params:oauth:token-type:jwt',
            }
          : undefined,
      onRequestSubmitted: { pollMaxWaitMs: 60_000 },
    })
    const printing = bob(`${stack.photo}/print`, { method: 'POST', signal: controller.signal })
    const events = stack.events
    for (let i = 0; i < 200 && count(events, 'request_submitted') === 0; i++) await sleep(10)
    expect(count(events, 'request_submitted')).toBe(1)
    controller.abort()
    const err: unknown = await printing.catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError' })
    expect(isUmaError(err)).toBe(false)
    // polling would have asked again within a second or so: nothing more reaches the AS
    await sleep(1500)
    expect(count(events, 'request_submitted')).toBe(1)
    expect(stack.rs.printed).toEqual([])
  })
})
