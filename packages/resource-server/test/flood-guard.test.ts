/**
 * The flood guard (issue 12): the RS is never an amplifier pointed at its AS. Tickets in flight
 * are shared, reusable tickets reused, calls bounded in flight and per second (503 past them),
 * and tokens that cannot be RPTs refused without a call.
 */
import { HttpResponse, delay, http } from 'msw'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResourceServer } from '../src/index.js'
import type { FakeAs } from './support/fake-as.js'
import { useFakeResourceServers } from './support/fake-rs.js'

const fake = useFakeResourceServers({ timeoutMs: 2000 })
const { msw, rs } = fake
let as: FakeAs
beforeEach(() => {
  as = fake.as()
})

const ask = (server: ResourceServer, authorization: string | null) =>
  server.authorize({ authorization, resourceId: 'photo-1', scopes: ['view'] })

/** A permission endpoint that takes a while, as a loaded AS does. */
function slowTickets(ms: number, ticket = (n: number) => `ticket-${n}`) {
  let served = 0
  msw.use(
    http.post(as.endpoints.permission, async () => {
      served += 1
      await delay(ms)
      return HttpResponse.json({ ticket: ticket(served) }, { status: 201 })
    }),
  )
  return () => served
}

describe('tickets', () => {
  it('shares one ticket request among 50 identical requests in flight', async () => {
    const served = slowTickets(100)
    const server = rs()
    await server.metadata()
    const decisions = await Promise.all(Array.from({ length: 50 }, () => ask(server, null)))
    expect(decisions.every((d) => !d.allowed && d.status === 401)).toBe(true)
    expect(served()).toBe(1)
  })

  it('asks again once the shared request is over: tickets are not kept by default', async () => {
    const served = slowTickets(0)
    const server = rs()
    for (let i = 0; i < 3; i++) await ask(server, null)
    expect(served()).toBe(3)
  })

  it('reuses a ticket for reuseTicketSeconds, never past its own exp less ten seconds', async () => {
    const jwt = (exp: number) =>
      `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.`
    const now = Math.floor(Date.now() / 1000)
    let expiry = now + 300
    const served = slowTickets(0, () => jwt(expiry))
    const server = rs({ limits: { reuseTicketSeconds: 30 } })
    for (let i = 0; i < 5; i++) await ask(server, null)
    expect(served()).toBe(1)
    // a ticket about to expire (Keycloak copies the PAT's exp) is never handed out again
    const other = rs({ limits: { reuseTicketSeconds: 30 } })
    expiry = now + 5
    for (let i = 0; i < 3; i++) await ask(other, null)
    expect(served()).toBe(4)
  })
})

describe('bounds on calls to the AS', () => {
  it('answers 503 with Retry-After past maxInFlight, at once, never queueing', async () => {
    msw.use(
      http.post(as.endpoints.introspection, async () => {
        await delay(200)
        return HttpResponse.json({ active: false })
      }),
    )
    const server = rs({ limits: { maxInFlight: 2 } })
    await server.metadata()
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ask(server, `Bearer garbage-${i}`)),
    )
    const refused = decisions.filter((d) => !d.allowed && d.status === 503)
    expect(refused.length).toBeGreaterThanOrEqual(8)
    for (const d of refused) {
      if (d.allowed) continue
      expect(d.headers['retry-after']).toBe('1')
      expect(d.error?.code).toBe('overloaded')
    }
    expect(as.calls.introspection).toBeLessThanOrEqual(2)
  })

  it('keeps to perSecond with a burst: distinct garbage tokens cost at most the bucket', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const server = rs({ limits: { perSecond: 1, burst: 6 } })
    await server.metadata()
    const before = as.calls.introspection + as.calls.ticket
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const d = await ask(server, `Bearer garbage-${i}`)
      statuses.push(d.allowed ? 200 : d.status)
    }
    // each garbage token costs an introspection and a ticket: three fit in a burst of six
    expect(as.calls.introspection + as.calls.ticket - before).toBeLessThanOrEqual(6)
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(16)
    vi.setSystemTime(Date.now() + 2000)
    expect(await ask(server, null)).toMatchObject({ status: 401 })
  })

  it('never refuses a cache hit: a flood costs checked RPTs nothing', async () => {
    as.rpts.set('good', { active: true, grants: { 'photo-1': ['view'] } })
    vi.useFakeTimers({ toFake: ['Date'] })
    const server = rs({ limits: { perSecond: 1, burst: 2 } })
    expect(await ask(server, 'Bearer good')).toMatchObject({ allowed: true })
    for (let i = 0; i < 10; i++) await ask(server, `Bearer garbage-${i}`)
    expect(await ask(server, 'Bearer good')).toMatchObject({ allowed: true })
  })

  it('has no bounds with limits: false', async () => {
    const server = rs({ limits: false })
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ask(server, `Bearer garbage-${i}`)),
    )
    expect(decisions.every((d) => !d.allowed && d.status === 401)).toBe(true)
  })
})

describe('tokens that cannot be RPTs', () => {
  it.each([
    ['a JWT-shaped token that is no JWT', 'aaaa.bbbb.cccc'],
    ['a JWT with a header that is not JSON', `${Buffer.from('x').toString('base64url')}.e30.sig`],
  ])("refuses %s without asking the AS in 'auto' mode", async (_n, token) => {
    const server = rs({ rptValidation: 'auto' })
    expect(await ask(server, `Bearer ${token}`)).toMatchObject({ status: 401 })
    expect(as.calls.introspection).toBe(0)
  })

  it('refuses a token longer than any RPT without introspecting it', async () => {
    const server = rs()
    expect(await ask(server, `Bearer ${'a'.repeat(9000)}`)).toMatchObject({ status: 401 })
    expect(as.calls.introspection).toBe(0)
  })
})
