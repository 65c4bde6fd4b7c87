/**
 * Issue 11: the option types a strict TypeScript user writes (`as const` arrays, callbacks that
 * return values or promises) compile and work; `pnpm typecheck` checks this file.
 */
import { describe, expect, it } from 'vitest'
import {
  createUmaClient,
  createUmaFetch,
  umaInterceptor,
  type UmaFetchOptions,
} from '../src/index.js'

const ISSUERS = ['https://as.example', 'https://as2.example'] as const
const SCOPES = ['view', 'print'] as const

describe('UmaFetchOptions types', () => {
  it('take readonly arrays and callbacks that return values or promises', () => {
    const options = {
      trustedIssuers: ISSUERS,
      clientId: 'bob-app',
      scope: SCOPES,
      requestingPartyToken: () => 'token',
      claims: ({ asUri }) =>
        asUri === ISSUERS[0] ? undefined : { claim_token: 'c', claim_token_format: 'f' },
      metadata: { [ISSUERS[0]]: { token_endpoint: `${ISSUERS[0]}/token` } } as const,
      resourceMetadata: 'require',
    } satisfies UmaFetchOptions
    const asyncOptions: UmaFetchOptions = {
      ...options,
      requestingPartyToken: () => Promise.resolve(undefined),
      claims: () => Promise.resolve(undefined),
    }
    expect(typeof createUmaFetch(options)).toBe('function')
    expect(typeof createUmaFetch(asyncOptions).forParty('alice')).toBe('function')
    expect(typeof createUmaClient(options).getRpt).toBe('function')
    expect(typeof umaInterceptor(options)).toBe('function')
  })

  it.each([
    ['a trusted issuer that is plain http off loopback', { trustedIssuers: ['http://as.example'] }],
    ['no trusted issuer', { trustedIssuers: [] }],
    ['a metadata issuer that is not trusted', { metadata: { 'https://other.example': {} } }],
    ['a scope with a space inside a name', { scope: ['a b'] }],
    ['claims that are not a function', { claims: 'yes' }],
    ['a pollMaxWaitMs that is missing', { onRequestSubmitted: {} }],
  ])('refuses %s with a TypeError naming the option', (_name, change) => {
    const options = { trustedIssuers: [ISSUERS[0]], clientId: 'bob-app', ...change }
    expect(() => createUmaFetch(options as UmaFetchOptions)).toThrow(TypeError)
  })
})
