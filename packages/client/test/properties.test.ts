/**
 * Property tests of every reader of what an AS or a resource server sends the client: whatever
 * arrives, they give a bounded value or an `UmaError`, never another throw, and never a secret.
 */
import { inspect } from 'node:util'
import { formatUmaChallenge, isUmaError, type UmaServerMetadata } from '@uma-kit/core'
import { createRedactor, type AsResponse } from '@uma-kit/core/internal'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readChallenge } from '../src/challenge.js'
import { readGrantResponse } from '../src/grant-response.js'
import { nextHop } from '../src/redirects.js'
import type { Hop } from '../src/replay.js'
import { MAX_REQUIRED_CLAIMS, readRequiredClaims } from '../src/required-claims.js'
import { coversResource, readResourceMetadata } from '../src/resource-metadata.js'

const SECRET = 'sent-secret-value-9'
const metadata: UmaServerMetadata = {
  issuer: 'https://as.example',
  token_endpoint: 'https://as.example/token',
  claims_interaction_endpoint: 'https://as.example/claims',
}
const context = { endpoint: metadata.token_endpoint, clientId: 'bob-app' }

/** JSON in which the secret the request carried may turn up anywhere. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      SECRET,
      `x ${SECRET} y`,
      'need_info',
      'request_submitted',
      'ticket',
      'javascript:alert(1)',
      'http://evil.example/claims',
      'https://as.example/claims?id=1',
    ),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.constantFrom(
        'error',
        'error_description',
        'ticket',
        'required_claims',
        'redirect_user',
        'interval',
        'access_token',
        'rpt',
        'pct',
        'expires_in',
        'upgraded',
        'error_details',
        'requesting_party_claims',
        'message',
        '__proto__',
        'name',
        SECRET,
      ),
      tie('value'),
      { maxKeys: 6 },
    ),
  ),
})).value

function answer(status: number, json: unknown, text?: string): AsResponse {
  const body = text ?? JSON.stringify(json)
  return {
    status,
    headers: new Headers({
      'content-type': text === undefined ? 'application/json' : 'text/plain',
    }),
    text: body,
    isJson: text === undefined,
    json: text === undefined ? json : undefined,
    redact: createRedactor([SECRET]),
  }
}

const CODES = new Set([
  'need_info',
  'request_denied',
  'request_submitted',
  'invalid_grant',
  'invalid_scope',
  'invalid_rpt',
  'invalid_client',
  'invalid_response',
  'as_error',
])

describe('readGrantResponse, whatever the AS answers', () => {
  it('gives an RPT for a 2xx or throws an UmaError with a grant code, and leaks nothing sent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), hostileJson, (status, json) => {
        let outcome: unknown
        try {
          outcome = readGrantResponse(answer(status, json), metadata, context)
        } catch (err) {
          outcome = err
        }
        if (isUmaError(outcome)) {
          expect(CODES.has(outcome.code)).toBe(true)
          const printed = `${JSON.stringify(outcome)} ${inspect(outcome, { depth: 20 })}`
          expect(printed).not.toContain(SECRET)
          expect(outcome.message.length).toBeLessThanOrEqual(1001)
          if (outcome.redirectUser !== undefined) {
            expect(outcome.redirectUser).toMatch(/^https:\/\/|^http:\/\/(127\.|localhost)/)
          }
          if (outcome.interval !== undefined) expect(outcome.interval).toBeGreaterThanOrEqual(0)
          return
        }
        expect(status >= 200 && status < 300).toBe(true)
        const granted = outcome as { rpt: unknown; expiresIn?: unknown }
        expect(typeof granted.rpt).toBe('string')
        expect(granted.expiresIn === undefined || (granted.expiresIn as number) > 0).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('gives a redirectUser only where a browser may safely go', () => {
    const target = fc.oneof(
      fc.constantFrom(
        'javascript:alert(1)',
        'data:text/html,<script>x</script>',
        'http://evil.example/claims',
        '//as.example/claims',
        '/claims',
        'https://as.example/claims?id=1',
        'http://127.0.0.1:4000/claims',
      ),
      fc.webUrl(),
      fc.string(),
      fc.boolean(),
    )
    fc.assert(
      fc.property(target, fc.constantFrom(403, 308), (redirectUser, status) => {
        const body = { error: 'need_info', ticket: 't2', redirect_user: redirectUser }
        let err: unknown
        try {
          readGrantResponse(answer(status, body), metadata, context)
        } catch (e) {
          err = e
        }
        expect(isUmaError(err) && err.code).toBe('need_info')
        const given = isUmaError(err) ? err.redirectUser : undefined
        if (given !== undefined) expect(given).toMatch(/^https:\/\/|^http:\/\/127\./)
        if (redirectUser === true) expect(given).toBe(metadata.claims_interaction_endpoint)
      }),
    )
  })

  it('reads any text body without throwing anything but an UmaError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 599 }), fc.string(), (status, text) => {
        try {
          readGrantResponse(answer(status, undefined, text), metadata, context)
        } catch (err) {
          expect(isUmaError(err)).toBe(true)
        }
      }),
    )
  })
})

describe('readRequiredClaims', () => {
  it('never throws, stays bounded, keeps plain objects and scrubs the secret', () => {
    fc.assert(
      fc.property(fc.oneof(hostileJson, fc.array(hostileJson, { maxLength: 80 })), (value) => {
        const claims = readRequiredClaims(value, createRedactor([SECRET]))
        if (!Array.isArray(value)) {
          expect(claims).toBeUndefined()
          return
        }
        expect(claims?.length).toBeLessThanOrEqual(MAX_REQUIRED_CLAIMS)
        const text = JSON.stringify(claims)
        expect(text).not.toContain(SECRET)
        expect(text.length).toBeLessThan(64 * 1024)
        for (const claim of claims ?? [])
          expect(Object.getPrototypeOf(claim)).toBe(Object.prototype)
      }),
    )
  })

  it('keeps 32 KiB of strings at most, however much the AS sends', () => {
    const huge = Array.from({ length: 50 }, () => ({
      name: 'x'.repeat(5000),
      extra: ['y'.repeat(900)],
    }))
    const text = JSON.stringify(readRequiredClaims(huge, (t) => t))
    expect(text.length).toBeLessThan(40 * 1024)
  })
})

describe('readResourceMetadata and coversResource', () => {
  it('gives normalised issuers or throws discovery_failed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          fc.record({
            resource: fc.webUrl(),
            authorization_servers: fc.array(fc.oneof(fc.webUrl(), fc.string(), fc.integer())),
          }),
        ),
        (document) => {
          try {
            const read = readResourceMetadata(document, 'https://rs.example/.well-known/x')
            expect(read.authorizationServers.length).toBeLessThanOrEqual(100)
            for (const issuer of read.authorizationServers) expect(issuer).toMatch(/^https?:\/\//)
          } catch (err) {
            expect(isUmaError(err) && err.code).toBe('discovery_failed')
          }
        },
      ),
    )
  })

  it('covers a URL only from its own origin, and the origin covers every path', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.string(), (url, resource) => {
        const requested = new URL(url)
        if (coversResource(resource, requested)) {
          expect(new URL(resource).origin).toBe(requested.origin)
        }
        expect(coversResource(requested.origin, requested)).toBe(true)
      }),
    )
  })
})

describe('readChallenge', () => {
  it('never throws on any header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (header) => {
        readChallenge(header)
      }),
    )
  })

  it('reads back what formatUmaChallenge wrote, with resource_metadata beside it', () => {
    const headerValue = fc.string({ minLength: 1 }).filter((s) => /^[\x20-\x7e]+$/.test(s))
    fc.assert(
      fc.property(headerValue, headerValue, fc.webUrl(), (asUri, ticket, metadataUrl) => {
        const header = `${formatUmaChallenge({ asUri, ticket })}, resource_metadata="${metadataUrl}"`
        expect(readChallenge(header)).toEqual({ asUri, ticket, resourceMetadata: metadataUrl })
      }),
    )
  })
})

describe('nextHop', () => {
  const hop = (method: string, authorization: boolean): Hop => ({
    url: new URL('https://a.example/x'),
    method,
    headers: new Headers({
      'content-type': 'text/plain',
      ...(authorization ? { authorization: 'Bearer own' } : {}),
    }),
    body: new Uint8Array([1]),
    callerAuthorization: authorization,
  })

  it('follows the Fetch standard’s method, body and Authorization rules', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(301, 302, 303, 307, 308),
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE'),
        fc.boolean(),
        fc.constantFrom('/y', 'https://a.example/z', 'https://b.example/z', '//c.example/q'),
        (status, method, authorization, location) => {
          const next = nextHop(hop(method, authorization), status, location)
          const crossOrigin = next.url.origin !== 'https://a.example'
          if (crossOrigin) {
            expect(next.headers.has('authorization')).toBe(false)
            expect(next.callerAuthorization).toBe(false)
          } else expect(next.callerAuthorization).toBe(authorization)
          const toGet =
            ((status === 301 || status === 302) && method === 'POST') ||
            (status === 303 && method !== 'GET' && method !== 'HEAD')
          expect(next.method).toBe(toGet ? 'GET' : method)
          expect(next.body === null).toBe(toGet)
          expect(next.headers.has('content-type')).toBe(!toGet)
        },
      ),
    )
  })

  it('refuses any scheme but http(s)', () => {
    for (const location of [
      'javascript:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'http://[',
    ]) {
      expect(() => nextHop(hop('GET', false), 302, location)).toThrow(TypeError)
    }
  })
})
