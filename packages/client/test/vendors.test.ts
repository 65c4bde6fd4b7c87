/**
 * Issue 13, client side: every CAS exchange of wire.md §6.2 (its JSON RPT endpoint, its AAT, its
 * 308 need_info, its errors), SolidLab's recorded answers, and WSO2's metadata-only setup.
 */
import { readFileSync } from 'node:fs'
import { ID_TOKEN_CLAIM_FORMAT } from '@uma-kit/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createUmaFetch, isUmaError, type UmaError, type UmaFetchOptions } from '../src/index.js'
import {
  CAS,
  casAat,
  casArrayError,
  casDiscovery,
  casNeedInfo,
  casPlainError,
  casRpt,
} from './cas-fixtures.js'
import { cas, wso2 } from './readme-vendors.js'
import { currentUserIdToken } from './session.js'

const RS = 'https://rs.example'
const SOLID = 'https://solid.example/uma'
const WSO2 = 'https://wso2.example:9443/oauth2/token'

interface Call {
  url: string
  authorization: string | null
  contentType: string | null
  body: string
}
const calls: Call[] = []
const accepted = new Set<string>()
let asUri = CAS
let tickets = 0
let rptAnswer: (body: Record<string, string>, n: number) => Response = () => casPlainError()
let tokenAnswer: (form: URLSearchParams, n: number) => Response = (_f, n) =>
  HttpResponse.json(casAat(n))

const record = async (request: Request): Promise<Call> => {
  const call = {
    url: request.url,
    authorization: request.headers.get('authorization'),
    contentType: request.headers.get('content-type'),
    body: await request.text(),
  }
  calls.push(call)
  return call
}
const callsTo = (path: string) => calls.filter((c) => new URL(c.url).pathname.endsWith(path))

const server = setupServer(
  http.get(`${CAS}/.well-known/uma-configuration`, () => HttpResponse.json(casDiscovery)),
  http.get(`${CAS}/.well-known/uma2-configuration`, () => new HttpResponse(null, { status: 404 })),
  http.get(
    'https://cas.example/.well-known/uma2-configuration/cas/oauth2.0',
    () => new HttpResponse(null, { status: 404 }),
  ),
  http.post(`${CAS}/accessToken`, async ({ request }) => {
    const call = await record(request)
    return tokenAnswer(new URLSearchParams(call.body), callsTo('/accessToken').length)
  }),
  http.post(`${CAS}/rptAuthzRequest`, async ({ request }) => {
    const call = await record(request)
    return rptAnswer(
      JSON.parse(call.body) as Record<string, string>,
      callsTo('/rptAuthzRequest').length,
    )
  }),
  http.get(`${SOLID}/.well-known/uma2-configuration`, () =>
    HttpResponse.json({ issuer: SOLID, token_endpoint: `${SOLID}/token` }),
  ),
  http.post(`${SOLID}/token`, async ({ request }) => {
    const call = await record(request)
    return tokenAnswer(new URLSearchParams(call.body), callsTo('/token').length)
  }),
  http.post('https://wso2.example:9443/oauth2/token', async ({ request }) => {
    const call = await record(request)
    return tokenAnswer(new URLSearchParams(call.body), callsTo('/oauth2/token').length)
  }),
  http.all(`${RS}/*`, async ({ request }) => {
    await record(request)
    const rpt = request.headers.get('authorization')?.replace(/^Bearer /, '')
    if (rpt !== undefined && accepted.has(rpt)) return HttpResponse.text('the photo')
    tickets++
    return new HttpResponse(null, {
      status: 401,
      headers: { 'www-authenticate': `UMA as_uri="${asUri}", ticket="ticket-${tickets}"` },
    })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  calls.length = 0
  accepted.clear()
  tickets = 0
  asUri = CAS
  tokenAnswer = (_f, n) => HttpResponse.json(casAat(n))
})
afterEach(() => server.resetHandlers())

const make = (extra: Partial<UmaFetchOptions> = {}) =>
  createUmaFetch({
    trustedIssuers: [CAS, SOLID, WSO2],
    clientId: 'cas-client',
    clientSecret: 'cas-secret',
    ...extra,
  })

async function rejection(promise: Promise<unknown>): Promise<UmaError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isUmaError(err)) throw new Error(`expected an UmaError, got ${String(err)}`)
  return err
}

function granting(rpt = 'cas-rpt-1') {
  rptAnswer = () => {
    accepted.add(rpt)
    return casRpt(rpt)
  }
}

const rptBodies = () =>
  callsTo('/rptAuthzRequest').map((c) => JSON.parse(c.body) as Record<string, string>)

describe('Apereo CAS: the JSON RPT request', () => {
  it('finds rpt_endpoint in the UMA 1.0 document, gets an AAT, and posts JSON there', async () => {
    granting()
    const res = await make()(`${RS}/photos/1`)
    expect(res.status).toBe(200)
    const [aat] = callsTo('/accessToken')
    expect(Object.fromEntries(new URLSearchParams(aat?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'uma_authorization',
    })
    expect(aat?.authorization).toMatch(/^Basic /)
    const [rpt] = callsTo('/rptAuthzRequest')
    expect(rpt?.authorization).toBe('Bearer AT-1-casaccesstokenvalue')
    expect(rpt?.contentType).toBe('application/json')
    expect(rptBodies()).toEqual([
      { grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket', ticket: 'ticket-1' },
    ])
    expect(calls.at(-1)?.authorization).toBe('Bearer cas-rpt-1')
  })

  it('keeps the AAT for the next exchanges, and sends the RPT it holds to be replaced', async () => {
    granting('cas-rpt-1')
    const umaFetch = make()
    await umaFetch(`${RS}/photos/1`)
    accepted.clear()
    granting('cas-rpt-2')
    expect((await umaFetch(`${RS}/photos/2`)).status).toBe(200)
    expect(callsTo('/accessToken')).toHaveLength(1)
    expect(rptBodies()[1]).toMatchObject({ ticket: 'ticket-2', rpt: 'cas-rpt-1' })
  })

  it('sends the requesting party’s token as the AAT where one is configured', async () => {
    granting()
    await make({ requestingPartyToken: () => 'users-aat' })(`${RS}/photos/1`)
    expect(callsTo('/accessToken')).toHaveLength(0)
    expect(callsTo('/rptAuthzRequest')[0]?.authorization).toBe('Bearer users-aat')
  })

  it.each([false, true])(
    'answers the 308 need_info (nested as a string: %s) with pushed claims and the same ticket',
    async (asString) => {
      rptAnswer = (body) => {
        if (body.claim_token === undefined) return casNeedInfo(body.ticket ?? '', asString)
        accepted.add('cas-rpt-claims')
        return casRpt('cas-rpt-claims')
      }
      const seen: unknown[] = []
      const res = await make({
        claims: ({ requiredClaims }) => {
          seen.push(requiredClaims)
          return requiredClaims === undefined
            ? undefined
            : { claim_token: 'eyJ.id.token', claim_token_format: ID_TOKEN_CLAIM_FORMAT }
        },
      })(`${RS}/photos/1`)
      expect(res.status).toBe(200)
      expect(seen).toEqual([undefined, [{ name: 'givenName' }]])
      expect(rptBodies().map((b) => [b.ticket, b.claim_token, b.claim_token_format])).toEqual([
        ['ticket-1', undefined, undefined],
        ['ticket-1', 'eyJ.id.token', ID_TOKEN_CLAIM_FORMAT],
      ])
    },
  )

  it('rejects the 308 need_info without claims, naming the claims endpoint as redirectUser', async () => {
    rptAnswer = (body) => casNeedInfo(body.ticket ?? '')
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.ticket).toBe('ticket-1')
    expect(err.requiredClaims).toEqual([{ name: 'givenName' }])
    expect(err.redirectUser).toBe(`${CAS}/rqpClaims`)
  })

  it('reads a plain-text 400 as as_error with its text', async () => {
    rptAnswer = () => casPlainError()
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('as_error')
    expect(err.errorDescription).toBe('Unable to handle authorization request')
    expect(err.message).toContain(`${CAS}/rptAuthzRequest`)
  })

  it('reads {"code":[404],"message":[…]} as as_error with its message', async () => {
    rptAnswer = () => casArrayError()
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('as_error')
    expect(err.asStatus).toBe(404)
    expect(err.errorDescription).toBe('Unable to locate resource-set')
  })

  it('asks for a new AAT after the RPT endpoint refused one', async () => {
    rptAnswer = () => casPlainError('Unable to authenticate')
    const umaFetch = make()
    await rejection(umaFetch(`${RS}/photos/1`))
    granting()
    expect((await umaFetch(`${RS}/photos/2`)).status).toBe(200)
    expect(callsTo('/accessToken')).toHaveLength(2)
  })

  it('names the client id when CAS refuses it the AAT', async () => {
    tokenAnswer = () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('invalid_client')
    expect(err.message).toContain('`cas-client`')
    expect(err.message).toContain(`${CAS}/accessToken`)
    expect(callsTo('/rptAuthzRequest')).toHaveLength(0)
  })

  it('uses an rpt_endpoint set by hand (the README’s options), with no discovery', async () => {
    granting()
    server.use(http.get(`${CAS}/.well-known/uma-configuration`, () => HttpResponse.error()))
    const res = await createUmaFetch({ ...cas, clientSecret: 'cas-secret' })(`${RS}/photos/1`)
    expect(res.status).toBe(200)
    expect(callsTo('/rptAuthzRequest')).toHaveLength(1)
  })

  it('refuses an rpt_endpoint set by hand over plain http', () => {
    expect(() =>
      make({ metadata: { [CAS]: { rpt_endpoint: 'http://cas.example/rptAuthzRequest' } } }),
    ).toThrow(TypeError)
  })
})

const solidlab = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../test/fixtures/solidlab-uma/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as { response: { status: number; headers: Record<string, string>; body: unknown } }

const replay = (name: string) => {
  const { response } = solidlab(name)
  return HttpResponse.json(response.body as never, { status: response.status })
}

describe('SolidLab UMA: recorded answers', () => {
  beforeEach(() => {
    asUri = SOLID
  })

  it('reads a spent ticket (exchange 25) as stale and fetches the resource once more', async () => {
    tokenAnswer = (form, n) => {
      if (form.get('ticket') === 'ticket-1') return replay('25-rpt-reuse-ticket')
      accepted.add(`solid-rpt-${n}`)
      return HttpResponse.json({ access_token: `solid-rpt-${n}`, token_type: 'Bearer' })
    }
    const res = await make()(`${RS}/photos/1`)
    expect(res.status).toBe(200)
    expect(callsTo('/token').map((c) => new URLSearchParams(c.body).get('ticket'))).toEqual([
      'ticket-1',
      'ticket-2',
    ])
  })

  it('rejects a second spent ticket with invalid_grant and SolidLab’s message', async () => {
    tokenAnswer = () => replay('25-rpt-reuse-ticket')
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('invalid_grant')
    expect(err.errorDescription).toBe('The provided ticket is not valid.')
  })

  it('reads a denial (exchange 24) as request_denied, "Request denied"', async () => {
    tokenAnswer = () => replay('24-rpt-no-claims')
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('request_denied')
    expect(err.errorDescription).toBe('Request denied')
  })

  it('keeps the missing scopes of need_info (exchange 51)', async () => {
    tokenAnswer = () => replay('51-rpt-needinfo-followup')
    const err = await rejection(make()(`${RS}/photos/1`))
    expect(err.code).toBe('need_info')
    expect(err.ticket).toBe('079ee344-60d0-4ecb-aadf-fabf9f0f94f6')
    expect(err.requiredClaims).toEqual([{ resource_scopes: ['urn:example:css:modes:write'] }])
  })
})

describe('WSO2 Identity Server: metadata by hand', () => {
  beforeEach(() => {
    asUri = WSO2
  })

  it('pushes the ID token with Basic client authentication and needs no discovery', async () => {
    tokenAnswer = (_form, n) => {
      accepted.add(`wso2-rpt-${n}`)
      return HttpResponse.json({
        access_token: `wso2-rpt-${n}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'wso2-refresh',
      })
    }
    expect(
      (await createUmaFetch({ ...wso2, clientSecret: 'wso2-secret' })(`${RS}/photos/1`)).status,
    ).toBe(200)
    const form = new URLSearchParams(callsTo('/oauth2/token')[0]?.body)
    expect(form.get('claim_token')).toBe(currentUserIdToken())
    expect(form.get('claim_token_format')).toBe(ID_TOKEN_CLAIM_FORMAT)
    expect(callsTo('/oauth2/token')[0]?.authorization).toMatch(/^Basic /)
  })

  it('reads its 400 invalid_grant and error_response header: one fresh ticket, then the reason', async () => {
    tokenAnswer = () =>
      HttpResponse.json(
        { error: 'invalid_grant' },
        {
          status: 400,
          headers: {
            error_response: 'Failed validation for the permission ticket for the given user.',
          },
        },
      )
    const err = await rejection(
      createUmaFetch({ ...wso2, clientSecret: 'wso2-secret' })(`${RS}/photos/1`),
    )
    expect(err.code).toBe('invalid_grant')
    expect(err.errorDescription).toBe(
      'Failed validation for the permission ticket for the given user.',
    )
    expect(callsTo('/oauth2/token')).toHaveLength(2)
  })
})
