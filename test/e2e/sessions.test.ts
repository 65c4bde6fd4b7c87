import { createUmaClient, createUmaFetch, isUmaError } from '@uma-kit/client'
import { afterEach, describe, expect, it } from 'vitest'
import { bobOptions, count, startStack, type Stack } from './support.js'

let stack: Stack | undefined
afterEach(async () => {
  await stack?.close()
  stack = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function rejection(promise: Promise<unknown>) {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isUmaError(err)) throw new Error(`expected an UmaError, got ${String(err)}`)
  return err
}

describe('sessions over real HTTP', () => {
  it('renews an RPT that expires during a session: re-challenged, then granted again', async () => {
    stack = await startStack({ lifetimes: { rptSeconds: 1 } })
    const bob = createUmaFetch(bobOptions(stack))
    expect((await bob(stack.photo)).status).toBe(200)
    expect(count(stack.events, 'rpt_issued')).toBe(1)
    // the RPT lives between 1 and 2 s (its exp is in whole seconds)
    await sleep(2100)
    expect((await bob(stack.photo)).status).toBe(200)
    expect(count(stack.events, 'rpt_issued')).toBe(2)
  })

  it('survives an AS restart: cached RPTs still served, new tickets fail closed, recovery after', async () => {
    stack = await startStack()
    const bob = createUmaFetch(bobOptions(stack))
    expect((await bob(stack.photo)).status).toBe(200)
    const port = Number(new URL(stack.as.issuer).port)

    await stack.as.close()
    // the RS's cached introspection and the client's cached RPT keep Bob going
    expect((await bob(stack.photo)).status).toBe(200)
    // printing needs a new ticket, which the RS cannot get: 403 with the Warning, never 200
    const refused = await bob(`${stack.photo}/print`, { method: 'POST' })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('warning')).toBe('199 - "UMA Authorization Server Unreachable"')
    expect(stack.rs.printed).toHaveLength(0)
    // a new client meets the same refusal
    const carol = createUmaFetch({
      ...bobOptions(stack),
      clientId: 'carol-app',
      clientSecret: stack.config.clients['carol-app']?.secret ?? '',
    })
    expect((await carol(stack.photo)).status).toBe(403)

    await stack.as.listen(port)
    const fresh = createUmaFetch(bobOptions(stack))
    expect((await fresh(stack.photo)).status).toBe(200)
  })

  it('refuses an untrusted as_uri and sends that AS nothing', async () => {
    stack = await startStack()
    const bob = createUmaFetch({ ...bobOptions(stack), trustedIssuers: ['https://as.example'] })
    const before = stack.events.length
    const err = await rejection(bob(stack.photo))
    expect(err.code).toBe('untrusted_issuer')
    // only the RS's own ticket request reached the AS
    expect(stack.events.slice(before).map((e) => e.type)).toEqual(['ticket_issued'])
  })

  it('a replayed ticket is refused with invalid_grant', async () => {
    stack = await startStack()
    const challenge = await fetch(stack.photo)
    const ticket =
      /ticket="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1] ?? ''
    const client = createUmaClient(bobOptions(stack))
    const first = await client.getRpt({ asUri: stack.as.issuer, ticket })
    expect(first.rpt).toMatch(/^eyJ/)
    const err = await rejection(client.getRpt({ asUri: stack.as.issuer, ticket }))
    expect(err.code).toBe('invalid_grant')
  })

  it.each(['spec', 'keycloak'] as const)(
    'an expired ticket (%s) is handled by fetching the resource again for a fresh one',
    async (mode) => {
      // Keycloak's tickets are JWTs whose exp is the PAT's (wire.md §6.1): a short PAT makes them
      // short. Three seconds, not one: exp is in whole seconds, and the RS renews a PAT half-way,
      // so the fresh ticket after the refetch always has time left to be redeemed
      const lifetimes = mode === 'keycloak' ? { patSeconds: 3 } : { ticketSeconds: 1 }
      stack = await startStack({ mode, lifetimes })
      let delayed = false
      const bob = createUmaFetch({
        ...bobOptions(stack),
        // the first token request is held until its ticket has expired
        fetch: async (input, init) => {
          const url = input instanceof Request ? input.url : String(input)
          if (!delayed && init?.method === 'POST' && url.includes('token')) {
            delayed = true
            await sleep(mode === 'keycloak' ? 3600 : 2100)
          }
          return fetch(input, init)
        },
      })
      expect((await bob(stack.photo)).status).toBe(200)
      expect(count(stack.events, 'invalid_grant')).toBe(1)
      expect(count(stack.events, 'rpt_issued')).toBe(1)
    },
  )

  it('a client on the undici interceptor gets the same flow', async () => {
    stack = await startStack({ mode: 'keycloak' })
    const { Agent, request } = await import('undici')
    const { umaInterceptor } = await import('@uma-kit/client')
    const agent = new Agent()
    try {
      const dispatcher = agent.compose(umaInterceptor(bobOptions(stack)))
      const res = await request(stack.photo, { dispatcher })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('image/jpeg')
      await res.body.dump()
    } finally {
      await agent.close()
    }
  })

  it.each(['spec', 'keycloak'] as const)(
    'checks the RPTs of the %s shape locally with rptValidation jwt, and introspects none',
    async (mode) => {
      stack = await startStack({ mode, resourceServer: { rptValidation: 'jwt' } })
      const bob = createUmaFetch(bobOptions(stack))
      expect((await bob(stack.photo)).status).toBe(200)
      expect((await bob(stack.photo)).status).toBe(200)
      expect(count(stack.events, 'introspection')).toBe(0)
      // a forged token is refused with a fresh challenge, never passed on
      const forged = await fetch(stack.photo, {
        headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' },
      })
      expect(forged.status).toBe(401)
    },
  )
})
