import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizePermissions } from './permissions.js'

const solidlabIntrospection = (
  JSON.parse(
    readFileSync(
      new URL('../../../test/fixtures/solidlab-uma/34-introspect.json', import.meta.url),
      'utf8',
    ),
  ) as { response: { body: unknown } }
).response.body

describe('normalizePermissions', () => {
  it('reads the spec introspection shape with per-permission times', () => {
    expect(
      normalizePermissions({
        active: true,
        exp: 1893456000,
        permissions: [
          { resource_id: 'r7', resource_scopes: ['view'], exp: 1893455000, iat: 1, nbf: 2 },
          { resource_id: 'r8', resource_scopes: [] },
        ],
      }),
    ).toEqual([
      { resource_id: 'r7', resource_scopes: ['view'], exp: 1893455000, iat: 1, nbf: 2 },
      { resource_id: 'r8', resource_scopes: [] },
    ])
  })

  it("reads Keycloak's JWT RPT authorization.permissions", () => {
    const payload = {
      exp: 1893456000,
      azp: 'photoz-client',
      authorization: {
        permissions: [
          { rsid: '0f1e-2d3c', rsname: 'Album 7', scopes: ['view', 'print'] },
          { rsid: 'aa11', rsname: 'Album 8' },
        ],
      },
    }
    expect(normalizePermissions(payload)).toEqual([
      { resource_id: '0f1e-2d3c', resource_scopes: ['view', 'print'] },
      { resource_id: 'aa11', resource_scopes: [] },
    ])
  })

  it("reads Keycloak's requesting_party_token introspection, which carries both name sets", () => {
    expect(
      normalizePermissions({
        active: true,
        permissions: [
          {
            rsid: 'r1',
            rsname: 'Album',
            scopes: ['view'],
            resource_id: 'r1',
            resource_scopes: ['view'],
          },
        ],
      }),
    ).toEqual([{ resource_id: 'r1', resource_scopes: ['view'] }])
  })

  it("reads SolidLab's recorded introspection answer", () => {
    expect(normalizePermissions(solidlabIntrospection)).toEqual([
      { resource_id: 'http://127.0.0.1:5000/alice/credentials/doc1', resource_scopes: ['read'] },
    ])
  })

  it('reads scopes given as {name} objects, and a bare array of permissions', () => {
    expect(
      normalizePermissions([{ resource_id: 'r', resource_scopes: [{ name: 'view' }, 'print'] }]),
    ).toEqual([{ resource_id: 'r', resource_scopes: ['view', 'print'] }])
  })

  it('reads both permissions and authorization.permissions when both are present', () => {
    expect(
      normalizePermissions({
        permissions: [{ resource_id: 'a', resource_scopes: ['x'] }],
        authorization: { permissions: [{ rsid: 'b', scopes: ['y'] }] },
      }),
    ).toEqual([
      { resource_id: 'a', resource_scopes: ['x'] },
      { resource_id: 'b', resource_scopes: ['y'] },
    ])
  })

  it('drops entries without a resource id and scopes that are not non-empty strings', () => {
    expect(
      normalizePermissions({
        permissions: [
          { resource_scopes: ['view'] },
          { resource_id: '', resource_scopes: ['view'] },
          { resource_id: 5, resource_scopes: ['view'] },
          null,
          'r1',
          { resource_id: 'ok', resource_scopes: ['view', '', 3, null, { name: 4 }, ['x']] },
          { resource_id: 'str', resource_scopes: 'view' },
        ],
      }),
    ).toEqual([
      { resource_id: 'ok', resource_scopes: ['view'] },
      { resource_id: 'str', resource_scopes: [] },
    ])
  })

  it('drops a permission whose time is no finite number: it cannot be checked (issue 9)', () => {
    expect(
      normalizePermissions({
        permissions: [
          { resource_id: 'a', resource_scopes: [], exp: 'soon' },
          { resource_id: 'b', resource_scopes: [], iat: Infinity },
          { resource_id: 'c', resource_scopes: [], nbf: { at: 1 } },
          { resource_id: 'd', resource_scopes: [], nbf: null, exp: '1893456000' },
        ],
      }),
    ).toEqual([{ resource_id: 'd', resource_scopes: [], exp: 1893456000 }])
  })

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'permissions'],
    ['an empty string', ''],
    ['a number', 1],
    ['an inactive answer', { active: false }],
    ['permissions as an object', { permissions: { resource_id: 'r' } }],
    ['authorization as a string', { authorization: 'permissions' }],
    ['a huge string', 'x'.repeat(1_000_000)],
  ])('gives [] for %s', (_name, source) => {
    expect(normalizePermissions(source)).toEqual([])
  })

  it('gives [] for an object whose getters throw', () => {
    const hostile = {
      get permissions(): unknown {
        throw new Error('boom')
      },
    }
    expect(normalizePermissions(hostile)).toEqual([])
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
      },
    )
    expect(normalizePermissions(proxy)).toEqual([])
  })

  it('never throws and always gives well-formed permissions for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        for (const source of [a, { permissions: a }, { authorization: { permissions: b } }]) {
          for (const p of normalizePermissions(source)) {
            expect(typeof p.resource_id).toBe('string')
            expect(p.resource_id).not.toBe('')
            expect(p.resource_scopes.every((s) => typeof s === 'string' && s !== '')).toBe(true)
          }
        }
      }),
      { numRuns: 1000 },
    )
  })
})
