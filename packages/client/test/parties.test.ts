/**
 * Issue 9, item 13: one `umaFetch` serving many users never sends one user's RPT or PCT with
 * another's request.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError, type UmaFetchOptions } from '../src/index.js'
import { AS, RS, useWorld, grant, type World } from './world.js'

const world: World = useWorld()
beforeEach(() => {
  // each grant gives rpt-N and pct-N, both accepted
  world.token = (_call, n) => {
    world.accepted.add(`rpt-${n}`)
    return grant(`rpt-${n}`, { pct: `pct-${n}` })
  }
})

const make = (extra: Partial<UmaFetchOptions> = {}) =>
  createUmaFetch({ trustedIssuers: [AS], clientId: 'photo-app', clientSecret: 'secret', ...extra })

describe('createUmaFetch: forParty', () => {
  it("never sends Alice's RPT or PCT with Bob's request", async () => {
    const umaFetch = make()
    const alice = umaFetch.forParty('alice')
    const bob = umaFetch.forParty('bob')
    expect((await alice(`${RS}/photos/1`)).status).toBe(200)
    world.rsCalls.length = 0
    expect((await bob(`${RS}/photos/1`)).status).toBe(200)
    expect(world.rsCalls).toEqual([null, 'Bearer rpt-2'])
    const bobsGrant = world.tokenCalls[1]?.form
    expect(bobsGrant?.get('rpt')).toBeNull()
    expect(bobsGrant?.get('pct')).toBeNull()
    // and each keeps their own from then on
    world.rsCalls.length = 0
    await alice(`${RS}/photos/2`)
    await umaFetch.forParty('alice')(`${RS}/photos/3`)
    expect(world.rsCalls).toEqual(['Bearer rpt-1', 'Bearer rpt-1'])
    expect(world.tokenCalls).toHaveLength(2)
  })

  it("keeps the client's own party apart from every named one", async () => {
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    world.rsCalls.length = 0
    await umaFetch.forParty('carol')(`${RS}/photos/1`)
    expect(world.rsCalls[0]).toBeNull()
  })

  it("uses a party's own requestingPartyToken and claims in place of the client's", async () => {
    const umaFetch = make({
      requestingPartyToken: () => 'client-wide-token',
      claims: () => ({ claim_token: 'client-claims', claim_token_format: 'jwt' }),
    })
    await umaFetch.forParty('dave', {
      requestingPartyToken: () => Promise.resolve('daves-token'),
      claims: ({ asUri }) => ({
        claim_token: `daves-claims-for-${asUri}`,
        claim_token_format: 'jwt',
      }),
    })(`${RS}/photos/1`)
    const call = world.tokenCalls[0]
    expect(call?.authorization).toBe('Bearer daves-token')
    expect(call?.form.get('claim_token')).toBe(`daves-claims-for-${AS}`)
  })

  it.each([
    ['an empty key', '', undefined],
    ['a key that is not a string', 42, undefined],
    ['claims that are not a function', 'erin', { claims: 'no' }],
  ])('refuses %s with a TypeError', (_name, key, options) => {
    const umaFetch = make()
    expect(() => umaFetch.forParty(key as string, options as never)).toThrow(TypeError)
  })
})

describe('createUmaFetch: requestingPartyToken keys the store by party', () => {
  it('keeps the RPTs of each token apart, with no forParty', async () => {
    let current = 'alice-token'
    const umaFetch = make({ requestingPartyToken: () => current })
    await umaFetch(`${RS}/photos/1`)
    current = 'bob-token'
    world.rsCalls.length = 0
    await umaFetch(`${RS}/photos/1`)
    expect(world.rsCalls).toEqual([null, 'Bearer rpt-2'])
    expect(world.tokenCalls[1]?.authorization).toBe('Bearer bob-token')
    expect(world.tokenCalls[1]?.form.get('rpt')).toBeNull()
    current = 'alice-token'
    world.rsCalls.length = 0
    await umaFetch(`${RS}/photos/2`)
    expect(world.rsCalls).toEqual(['Bearer rpt-1'])
  })

  it('rejects a token that cannot go in a header with invalid_request, and sends nothing', async () => {
    const umaFetch = make({ requestingPartyToken: () => 'two words' })
    const err: unknown = await umaFetch(`${RS}/photos/1`).catch((e: unknown) => e)
    expect(isUmaError(err) && err.code).toBe('invalid_request')
    expect(isUmaError(err) && err.message).not.toContain('two words')
    expect(world.rsCalls).toEqual([])
  })
})

describe('createUmaFetch: the store of one party', () => {
  it('sends the PCT it holds for the party with its next grant', async () => {
    const alice = make().forParty('alice')
    await alice(`${RS}/photos/1`)
    world.accepted.clear()
    await alice(`${RS}/photos/2`)
    expect(world.tokenCalls[1]?.form.get('pct')).toBe('pct-1')
    expect(world.tokenCalls[1]?.form.get('rpt')).toBe('rpt-1')
  })
})
