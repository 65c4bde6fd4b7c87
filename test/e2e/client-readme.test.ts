/**
 * The code of the client README, run against the development AS and the photo RS: each README
 * block marked `<!-- tested: test/e2e/client-readme/<file>.ts -->` is copied from that module,
 * which this test imports once its environment is set.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isUmaError } from '@uma-kit/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, startStack, type Stack } from './support.js'

let stack: Stack
const closers: (() => Promise<void>)[] = []

beforeAll(async () => {
  stack = await startStack()
  process.env.UMA_ISSUER = stack.as.issuer
  process.env.PHOTOS_URL = stack.rs.url
  process.env.CLIENT_SECRET = stack.config.clients['bob-app']?.secret
})
afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await stack.close()
})

describe('client README', () => {
  it('fetches a protected resource', async () => {
    const { response } = await import('./client-readme/quick-start.js')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/jpeg')
  })

  it('serves many users with one umaFetch, each with their own RPT', async () => {
    const { app } = await import('./client-readme/many-users.js')
    const server = createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    closers.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/my/photo`
    const before = count(stack.events, 'rpt_issued')
    for (const user of ['alice', 'bob', 'alice', 'bob']) {
      const res = await fetch(url, { headers: { 'x-user': user } })
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    expect(count(stack.events, 'rpt_issued') - before).toBe(2)
  })

  it('pushes claims and waits for the owner', async () => {
    const approve = setInterval(() => {
      for (const pending of stack.as.pendingRequests('alice')) {
        stack.as.decide('alice', pending.id, 'approve')
      }
    }, 50)
    try {
      const { printed } = await import('./client-readme/claims.js')
      expect(printed).toEqual([202])
    } finally {
      clearInterval(approve)
    }
  })

  it('answers challenges on an undici dispatcher', async () => {
    const { statusCode, body, dispatcher } = await import('./client-readme/interceptor.js')
    expect(statusCode).toBe(200)
    await body.dump()
    await dispatcher.close()
  })

  it('sends the requesting party to the AS for claims, and reads the redirect back', async () => {
    const { claimsPage, afterClaims, client } = await import('./client-readme/browser-flow.js')
    const challenge = await fetch(stack.photo)
    const ticket =
      /ticket="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1] ?? ''
    const err: unknown = await client
      .getRpt({ asUri: stack.as.issuer, ticket, scope: 'print' })
      .catch((e: unknown) => e)
    if (!isUmaError(err) || err.code !== 'need_info' || err.ticket === undefined) {
      throw new Error('expected need_info')
    }
    const state = 'a-random-state-kept-in-the-session'
    const callback = await fillInClaimsForm(await claimsPage(err, state))
    const result: unknown = await afterClaims(callback, state, err.ticket).catch((e: unknown) => e)
    // the email came with the new ticket, and Alice approved printing in the test before
    expect(result).toMatchObject({ rpt: expect.stringMatching(/^eyJ/) as unknown })
  })
})

/** Plays the user at the AS's claims form. */
async function fillInClaimsForm(url: string): Promise<string> {
  const page = new URL(url)
  const form = new URLSearchParams(page.searchParams)
  form.set('claim.email', 'bob@example.com')
  const res = await fetch(`${page.origin}${page.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  })
  return res.headers.get('location') ?? ''
}
