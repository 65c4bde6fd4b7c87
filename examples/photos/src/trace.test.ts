import { describe, expect, it } from 'vitest'
import { createCast } from './cast.js'
import { describeDecision } from './rs-log.js'
import { shortToken } from './short-token.js'
import { tracingFetch, type TraceLine } from './trace.js'

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.Sig4nature_AbCdEfGhIjKlMnOpQrStUv'
const PAT = 'PatTokenAbCdEf0123456789xyz'

function cast() {
  const c = createCast()
  c.addAs('AS alice', 'http://127.0.0.1:1111/realms/alice')
  c.addRs('http://127.0.0.1:2222')
  c.addResource('id-photo', 'photo.jpg')
  return c
}

/** Traces one call answered by `answer`, and gives the lines. */
async function trace(url: string, init: RequestInit, answer: unknown, status = 200) {
  const lines: TraceLine[] = []
  const inner = () =>
    Promise.resolve(
      new Response(JSON.stringify(answer), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    )
  await tracingFetch('RS', cast(), (line) => lines.push(line), inner)(url, init)
  return lines
}

describe('shortToken', () => {
  it("cuts a JWT to its signature's first characters, never its header or payload", () => {
    expect(shortToken(JWT)).toBe('eyJ…Sig4natu')
  })

  it('cuts an opaque token to ten characters and keeps a short one', () => {
    expect(shortToken(PAT)).toBe('PatTokenAb…')
    expect(shortToken('t1')).toBe('t1')
  })
})

describe('tracingFetch of the RS with its AS', () => {
  const as = 'http://127.0.0.1:1111/realms/alice'

  it('tells the PAT request by the client id, never the secret, and cuts the PAT', async () => {
    const basic = Buffer.from('photo-rs:photo-rs-secret').toString('base64')
    const [request, response] = await trace(
      `${as}/protocol/openid-connect/token`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body: 'grant_type=client_credentials&scope=uma_protection',
      },
      { access_token: PAT, expires_in: 3600, token_type: 'Bearer' },
    )
    expect(request).toMatchObject({
      peer: 'AS alice',
      kind: 'pat',
      what: 'POST …/protocol/openid-connect/token',
      detail: 'client credentials grant, scope uma_protection (as client photo-rs)',
    })
    expect(response).toMatchObject({ kind: 'pat', ok: true, detail: 'PAT PatTokenAb…, for 3600 s' })
    expect(JSON.stringify([request, response])).not.toMatch(/secret|Ab?CdEf0123/)
  })

  it("names the photos an introspection vouches for, in the spec's and Keycloak's members", async () => {
    const init = {
      method: 'POST',
      body: new URLSearchParams({ token: JWT }),
      headers: { authorization: `Bearer ${PAT}` },
    }
    const spec = await trace(`${as}/introspect`, init, {
      active: true,
      permissions: [{ resource_id: 'id-photo', resource_scopes: ['view'] }],
    })
    expect(spec.map((l) => l.detail)).toEqual([
      'is RPT eyJ…Sig4natu active? (with the PAT)',
      'active, photo.jpg [view]',
    ])
    const keycloak = await trace(`${as}/introspect`, init, {
      active: true,
      authorization: { permissions: [{ rsid: 'id-photo', scopes: ['view', 'print'] }] },
    })
    expect(keycloak[1]?.detail).toBe('active, photo.jpg [view print]')
    const inactive = await trace(`${as}/introspect`, init, { active: false })
    expect(inactive[1]?.detail).toBe('inactive: this AS does not vouch for it')
    expect(JSON.stringify([spec, keycloak])).not.toContain(JWT.slice(0, 24))
  })

  it('tells a ticket request by its photo and scopes, and an AS error by its code', async () => {
    const lines = await trace(
      `${as}/authz/protection/permission`,
      {
        method: 'POST',
        body: JSON.stringify([{ resource_id: 'id-photo', resource_scopes: ['print'] }]),
      },
      { error: 'invalid_resource_id', error_description: 'no such resource' },
      400,
    )
    expect(lines.map((l) => [l.kind, l.detail])).toEqual([
      ['ticket', 'ticket for photo.jpg [print] (no credentials)'],
      ['ticket', 'invalid_resource_id, no such resource'],
    ])
    expect(lines[1]?.ok).toBe(false)
  })
})

describe('describeDecision', () => {
  const base = { resourceId: 'id-photo', scopes: ['view'], durationMs: 1.234 }
  const issuer = 'http://127.0.0.1:1111/realms/alice'

  it('says which AS decided, and whether the RS asked it or its cache', () => {
    const c = cast()
    expect(
      describeDecision(
        { ...base, outcome: 'allowed', cached: false, issuer, clientId: 'bob-app' },
        c,
      ),
    ).toBe(
      "lets view on photo.jpg through: AS alice vouched for bob-app's RPT, introspected just now (1.2 ms)",
    )
    expect(describeDecision({ ...base, outcome: 'allowed', cached: true, issuer }, c)).toContain(
      "from the RS's cache, no call to the AS",
    )
    expect(describeDecision({ ...base, outcome: 'challenged', cached: false, issuer }, c)).toBe(
      '401 + ticket from AS alice: no RPT vouched for by AS alice holds view on photo.jpg (1.2 ms)',
    )
    expect(describeDecision({ ...base, outcome: 'unreachable', cached: false, issuer }, c)).toMatch(
      /^403: AS alice cannot be reached now/,
    )
  })
})
