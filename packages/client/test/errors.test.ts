/**
 * Issue 9, items 6 and 15; issue 11: errors say what they are about and keep nothing secret,
 * in their message, `errorDescription`, `cause`, `toJSON()` or `util.inspect`.
 */
import { inspect } from 'node:util'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError, type UmaError } from '../src/index.js'
import { AS, RS, useWorld, grant, json, type World } from './world.js'

const world: World = useWorld()

// shorter than the 40 characters of core's generic token pattern: only exact scrubbing finds them
const SECRET = 'short-client-secret-32-chars-ok'
const PARTY = 'party-token-under-40'
const CLAIMS = 'claim-token-value-x'

async function rejection(promise: Promise<unknown>): Promise<UmaError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isUmaError(err)) throw new Error(`expected an UmaError, got ${String(err)}`)
  return err
}

/** Every way an error may be printed or kept. */
const everything = (err: UmaError) =>
  [err.message, JSON.stringify(err), String(err), inspect(err, { depth: 10 }), err.stack].join('\n')

/** A value as an echoing AS may give it back: raw, percent-encoded, base64, base64url. */
const encodings = (value: string) => [
  value,
  encodeURIComponent(value),
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('base64url'),
]

describe('createUmaFetch: nothing secret in errors', () => {
  it.each([
    ['client_secret_basic', { clientSecret: SECRET }, [SECRET, `bob-app:${SECRET}`]],
    ['a requesting party token', { requestingPartyToken: () => PARTY }, [PARTY]],
  ] as const)(
    'scrubs everything the grant request carried (%s), in every encoding, from every part',
    async (_name, auth, credentials) => {
      const sent = [...credentials, CLAIMS, 'ticket-1']
      world.token = (call) =>
        json(400, {
          error: 'invalid_scope',
          error_description: `you sent ${call.authorization} ${call.form.toString()} ${sent
            .flatMap(encodings)
            .join(' ')}`,
          echo: { form: Object.fromEntries(call.form), authorization: call.authorization },
        })
      const err = await rejection(
        createUmaFetch({
          trustedIssuers: [AS],
          clientId: 'bob-app',
          ...auth,
          claims: () => ({ claim_token: CLAIMS, claim_token_format: 'jwt' }),
        })(`${RS}/photos/1`),
      )
      expect(err.code).toBe('invalid_scope')
      const text = everything(err)
      for (const secret of sent.flatMap(encodings)) expect(text).not.toContain(secret)
      expect(err.cause).toBeDefined()
    },
  )

  it('keeps the new ticket of need_info readable, and out of everything printed', async () => {
    world.token = () =>
      json(403, {
        error: 'need_info',
        ticket: 'fresh-ticket-77',
        error_description: 'use fresh-ticket-77 next',
        required_claims: [{ name: 'email', hint: 'fresh-ticket-77' }],
      })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.ticket).toBe('fresh-ticket-77')
    expect(everything(err)).not.toContain('fresh-ticket-77')
  })

  it('never keeps a token the AS issued in a 2xx it could not use', async () => {
    world.token = () => json(200, { refresh_token: 'issued-refresh-token', access_token: 5 })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('invalid_response')
    expect(everything(err)).not.toContain('issued-refresh-token')
  })
})

describe('createUmaFetch: errors name what they are about', () => {
  it('untrusted_issuer names the as_uri refused and the resource server, without control characters', async () => {
    world.challenge = () =>
      new HttpResponse(null, {
        status: 401,
        headers: { 'www-authenticate': 'UMA as_uri="https://evil.example/\tx", ticket="t"' },
      })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('untrusted_issuer')
    expect(err.message).toContain('"https://evil.example/?x"')
    expect(err.message).toContain(`${RS}/`)
    // eslint-disable-next-line no-control-regex -- the point of the check
    expect(err.message).not.toMatch(/[\u0000-\u001f]/)
  })

  it('bounds an as_uri of any length', async () => {
    const long = `https://evil.example/${'a'.repeat(5000)}`
    world.challenge = () =>
      new HttpResponse(null, {
        status: 401,
        headers: { 'www-authenticate': `UMA as_uri="${long}", ticket="t"` },
      })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.message.length).toBeLessThan(500)
  })

  it('invalid_client names the client id and the token endpoint', async () => {
    world.token = () => json(401, { error: 'invalid_client' })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app', clientSecret: SECRET })(
        `${RS}/photos/1`,
      ),
    )
    expect(err.code).toBe('invalid_client')
    expect(err.message).toBe(
      `the client id \`bob-app\` was refused by ${AS}/token (invalid_client)`,
    )
  })

  it('a failed discovery names the URLs it tried', async () => {
    world.server.use(
      http.get(
        `${AS}/.well-known/uma2-configuration`,
        () => new HttpResponse(null, { status: 404 }),
      ),
      http.get(
        `${AS}/.well-known/uma-configuration`,
        () => new HttpResponse(null, { status: 404 }),
      ),
    )
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('discovery_failed')
    expect(err.message).toContain(`${AS}/.well-known/uma2-configuration`)
  })

  it('an as_error carries the AS’s description in its message', async () => {
    world.token = () =>
      json(400, { error: 'unsupported_grant_type', error_description: 'no UMA here' })
    const err = await rejection(
      createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`),
    )
    expect(err.message).toBe(
      `UMA grant request to ${AS}/token answered HTTP 400 (unsupported_grant_type): no UMA here`,
    )
  })

  it('a granted RPT still works after all this', async () => {
    world.token = (_call, n) => {
      world.accepted.add(`rpt-${n}`)
      return grant(`rpt-${n}`)
    }
    expect(
      (await createUmaFetch({ trustedIssuers: [AS], clientId: 'bob-app' })(`${RS}/photos/1`))
        .status,
    ).toBe(200)
  })
})
