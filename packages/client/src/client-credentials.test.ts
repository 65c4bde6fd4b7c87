import { describe, expect, it } from 'vitest'
import { credentialsFor, readClients } from './client-credentials.js'

const trusted = ['https://as-a.example', 'https://as-b.example']

describe('readClients', () => {
  it('keys registrations by the normalised issuer and resolves their authentication', () => {
    const clients = readClients(
      { 'https://AS-A.example/': { clientId: 'app-a', clientSecret: 's' } },
      trusted,
    )
    expect([...clients.keys()]).toEqual(['https://as-a.example'])
    expect(clients.get('https://as-a.example')?.clientId).toBe('app-a')
    expect(typeof clients.get('https://as-a.example')?.clientAuth).toBe('function')
  })

  it.each([
    ['an issuer that is not trusted', { 'https://evil.example': { clientId: 'x' } }],
    ['a registration without clientId', { 'https://as-a.example': { clientSecret: 's' } }],
    [
      'a secret that is not a string',
      { 'https://as-a.example': { clientId: 'x', clientSecret: 42 } },
    ],
    ['a registration that is not an object', { 'https://as-a.example': 'x' }],
  ])('refuses %s with a TypeError', (_name, value) => {
    expect(() => readClients(value, trusted)).toThrow(TypeError)
  })
})

describe('credentialsFor', () => {
  it('gives an AS its own registration, and the others the client-wide one', () => {
    const clients = readClients({ 'https://as-b.example': { clientId: 'app-b' } }, trusted)
    const wide = { clientId: 'app', clientAuth: () => undefined, clients }
    expect(credentialsFor(wide, 'https://as-b.example').clientId).toBe('app-b')
    expect(credentialsFor(wide, 'https://as-a.example').clientId).toBe('app')
  })
})
