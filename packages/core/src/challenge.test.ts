import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatUmaChallenge, parseAuthChallenges, parseUmaChallenge } from './challenge.js'

const AS = 'https://as.example'

describe('parseUmaChallenge', () => {
  it('reads the challenge a spec-following RS sends', () => {
    expect(parseUmaChallenge(`UMA realm="photos", as_uri="${AS}", ticket="t1"`)).toEqual({
      realm: 'photos',
      asUri: AS,
      ticket: 't1',
    })
  })

  it("reads Keycloak's challenge with no spaces after commas", () => {
    const header =
      'UMA realm="photoz",as_uri="https://kc.example/realms/photoz",ticket="eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig"'
    expect(parseUmaChallenge(header)).toEqual({
      realm: 'photoz',
      asUri: 'https://kc.example/realms/photoz',
      ticket: 'eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig',
    })
  })

  it('finds the UMA challenge among several in one field', () => {
    const header = `Bearer realm="api", error="invalid_token", UMA realm="photos", as_uri="${AS}", ticket="t1"`
    expect(parseUmaChallenge(header)).toEqual({ realm: 'photos', asUri: AS, ticket: 't1' })
  })

  it('reads a UMA challenge that comes before other schemes', () => {
    const header = `UMA as_uri="${AS}", ticket="t1", Basic realm="x", Bearer`
    expect(parseUmaChallenge(header)).toEqual({ asUri: AS, ticket: 't1' })
  })

  it('reads several field lines joined by a comma, as Headers.get() joins them', () => {
    const headers = new Headers()
    headers.append('www-authenticate', 'Bearer realm="api"')
    headers.append('www-authenticate', `UMA as_uri="${AS}", ticket="t1"`)
    expect(parseUmaChallenge(headers.get('www-authenticate'))).toEqual({ asUri: AS, ticket: 't1' })
  })

  it('reads several field lines given as an array, as node:http may give them', () => {
    const lines = ['Bearer realm="api"', `UMA as_uri="${AS}", ticket="t1"`]
    expect(parseUmaChallenge(lines as unknown as string)).toEqual({ asUri: AS, ticket: 't1' })
  })

  it('accepts any case for the scheme and the parameter names, keeping values as sent', () => {
    expect(parseUmaChallenge(`uma REALM="R", As_Uri="${AS}", TICKET="AbC"`)).toEqual({
      realm: 'R',
      asUri: AS,
      ticket: 'AbC',
    })
  })

  it('accepts whitespace around "=" and ","', () => {
    expect(parseUmaChallenge(`UMA   as_uri = "${AS}" ,\tticket\t=\t"t1"  `)).toEqual({
      asUri: AS,
      ticket: 't1',
    })
  })

  it('reads bare values, even with the ":" and "/" a token may not hold', () => {
    expect(parseUmaChallenge(`UMA as_uri=${AS}/realms/a, ticket=abc==`)).toEqual({
      asUri: `${AS}/realms/a`,
      ticket: 'abc==',
    })
  })

  it('undoes backslash escapes and keeps commas inside quotes', () => {
    expect(
      parseUmaChallenge(`UMA realm="a \\"b\\", c\\\\d", as_uri="${AS}", ticket="t,1"`),
    ).toEqual({ realm: 'a "b", c\\d', asUri: AS, ticket: 't,1' })
  })

  it('takes the first of a repeated parameter', () => {
    expect(parseUmaChallenge(`UMA as_uri="${AS}", ticket="t1", ticket="t2"`)?.ticket).toBe('t1')
  })

  it('skips a UMA challenge without ticket and takes a later complete one', () => {
    const header = `UMA as_uri="${AS}", UMA as_uri="https://other.example", ticket="t2"`
    expect(parseUmaChallenge(header)).toEqual({ asUri: 'https://other.example', ticket: 't2' })
  })

  it('keeps the parameters of a missing comma together (lenient)', () => {
    expect(parseUmaChallenge(`UMA as_uri="${AS}" ticket="t1"`)).toEqual({ asUri: AS, ticket: 't1' })
  })

  it.each([
    ['no field', undefined],
    ['null', null],
    ['an empty field', ''],
    ['only Bearer', 'Bearer realm="api", error="invalid_token"'],
    ['UMA without ticket', `UMA realm="r", as_uri="${AS}"`],
    ['UMA without as_uri', 'UMA realm="r", ticket="t1"'],
    ['UMA with an empty ticket', `UMA as_uri="${AS}", ticket=""`],
    ['UMA with an empty as_uri', 'UMA as_uri="", ticket="t"'],
    ['parameters without a scheme (gogatekeeper)', `realm="r", as_uri="${AS}", ticket="t1"`],
    ['a scheme that merely starts with UMA', `UMAX as_uri="${AS}", ticket="t1"`],
    ['an unterminated quoted ticket', `UMA as_uri="${AS}", ticket="t1`],
    ['a token68 challenge', 'UMA dGlja2V0=='],
    ['a number', 42],
    ['an object', { 'www-authenticate': 'UMA' }],
    ['an array with a non-string', ['UMA', 3]],
  ])('gives undefined for %s', (_name, header) => {
    expect(parseUmaChallenge(header as string)).toBeUndefined()
  })

  it('gives undefined, without reading it, for a field over 64 KiB', () => {
    const header = `UMA as_uri="${AS}", ticket="${'a'.repeat(70_000)}"`
    expect(parseUmaChallenge(header)).toBeUndefined()
  })

  it('reads a ticket just under the 64 KiB bound', () => {
    const ticket = 'a'.repeat(60_000)
    expect(parseUmaChallenge(`UMA as_uri="${AS}", ticket="${ticket}"`)?.ticket).toBe(ticket)
  })
})

describe('parseAuthChallenges', () => {
  it('keeps every challenge with its parameters, names lower-cased', () => {
    const header = `Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"`
    expect(parseAuthChallenges(header)).toEqual([
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
    ])
  })

  it('keeps unknown parameters of the UMA challenge (Gluu sends error=)', () => {
    const header = `UMA realm="rs",as_uri="${AS}",error="insufficient_scope",ticket="t1"`
    expect(parseAuthChallenges(header)[0]?.params).toEqual({
      realm: 'rs',
      as_uri: AS,
      error: 'insufficient_scope',
      ticket: 't1',
    })
  })

  it('tells a token68 from a parameter', () => {
    expect(parseAuthChallenges('Basic dXNlcjpwYXNz==, Bearer realm="x"')).toEqual([
      { scheme: 'Basic', params: {}, token68: 'dXNlcjpwYXNz==' },
      { scheme: 'Bearer', params: { realm: 'x' } },
    ])
  })

  it('gives a scheme with no parameters', () => {
    expect(parseAuthChallenges('Negotiate, UMA')).toEqual([
      { scheme: 'Negotiate', params: {} },
      { scheme: 'UMA', params: {} },
    ])
  })

  it('does not let a parameter named __proto__ change the prototype', () => {
    const [challenge] = parseAuthChallenges('UMA __proto__="x", ticket="t"')
    expect(Object.getPrototypeOf(challenge?.params)).toBe(Object.prototype)
    expect(challenge?.params.ticket).toBe('t')
  })
})

describe('formatUmaChallenge', () => {
  it('writes quoted strings in the order realm, as_uri, ticket', () => {
    expect(formatUmaChallenge({ realm: 'photos', asUri: AS, ticket: 't1' })).toBe(
      `UMA realm="photos", as_uri="${AS}", ticket="t1"`,
    )
  })

  it('leaves realm out when none is configured', () => {
    expect(formatUmaChallenge({ asUri: AS, ticket: 't1' })).toBe(`UMA as_uri="${AS}", ticket="t1"`)
  })

  it('escapes quotes and backslashes', () => {
    expect(formatUmaChallenge({ realm: 'a"b\\c', asUri: AS, ticket: 't' })).toBe(
      `UMA realm="a\\"b\\\\c", as_uri="${AS}", ticket="t"`,
    )
  })

  it.each([
    ['CR LF in the ticket (header injection)', { asUri: AS, ticket: 't1\r\nSet-Cookie: x=1' }],
    ['LF in the realm', { realm: 'a\nb', asUri: AS, ticket: 't' }],
    ['NUL in as_uri', { asUri: `${AS}\u0000`, ticket: 't' }],
    ['a character outside Latin-1', { asUri: AS, ticket: 'tické€' }],
  ])('refuses %s with ERR_INVALID_ARG_VALUE', (_name, input) => {
    expect(() => formatUmaChallenge(input)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    )
  })

  it.each([
    ['an empty ticket', { asUri: AS, ticket: '' }, 'ERR_INVALID_ARG_VALUE'],
    ['an empty as_uri', { asUri: '', ticket: 't' }, 'ERR_INVALID_ARG_VALUE'],
    ['a missing ticket', { asUri: AS }, 'ERR_INVALID_ARG_TYPE'],
    ['a numeric realm', { realm: 1, asUri: AS, ticket: 't' }, 'ERR_INVALID_ARG_TYPE'],
    ['null', null, 'ERR_INVALID_ARG_TYPE'],
    ['a string', 'UMA', 'ERR_INVALID_ARG_TYPE'],
  ])('refuses %s with %s', (_name, input, code) => {
    expect(() => formatUmaChallenge(input as never)).toThrow(expect.objectContaining({ code }))
  })

  it('never puts the offending value in its error message', () => {
    let message = ''
    try {
      formatUmaChallenge({ asUri: AS, ticket: 'secret-ticket\n' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/ticket/)
    expect(message).not.toContain('secret-ticket')
  })
})

// Strings a header can carry: HTAB, printable ASCII and Latin-1 (Node refuses the rest).
const fieldChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x22, 0x5c, 0x2c, 0x3d) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
)
const fieldString = (minLength: number) =>
  fc.array(fieldChar, { minLength, maxLength: 200 }).map((codes) => String.fromCharCode(...codes))

describe('challenge properties', () => {
  it('parseUmaChallenge(formatUmaChallenge(x)) equals x', () => {
    fc.assert(
      fc.property(
        fc.record(
          { realm: fieldString(0), asUri: fieldString(1), ticket: fieldString(1) },
          { requiredKeys: ['asUri', 'ticket'] },
        ),
        (challenge) => {
          expect(parseUmaChallenge(formatUmaChallenge(challenge))).toEqual(challenge)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('finds the formatted challenge wherever it stands among other challenges', () => {
    const other = fc.constantFrom(
      'Bearer realm="api"',
      'Basic dXNlcg==',
      'Bearer error="invalid_token", error_description="a, b"',
      'Negotiate',
    )
    fc.assert(
      fc.property(
        fc.array(other, { maxLength: 3 }),
        fc.array(other, { maxLength: 3 }),
        fieldString(1),
        (before, after, ticket) => {
          const uma = formatUmaChallenge({ asUri: AS, ticket })
          const header = [...before, uma, ...after].join(', ')
          expect(parseUmaChallenge(header)).toEqual({ asUri: AS, ticket })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('never throws on arbitrary strings up to 64 KiB', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 * 1024, size: 'max' }), (header) => {
        const result = parseUmaChallenge(header)
        expect(result === undefined || typeof result.ticket === 'string').toBe(true)
        expect(Array.isArray(parseAuthChallenges(header))).toBe(true)
      }),
      { numRuns: 50 },
    )
  })

  it.each([
    ['quotes', '"'],
    ['backslashes', '\\'],
    ['equals signs', '='],
    ['commas', ','],
    ['name=value pairs', 'a=b,'],
    ['schemes', 'UMA '],
    ['open quoted values', 'UMA a="'],
  ])('returns for 64 KiB of repeated %s', (_name, unit) => {
    const header = unit.repeat(Math.floor((64 * 1024) / unit.length))
    expect(parseUmaChallenge(header)).toBeUndefined()
  })

  it('never throws on header-shaped noise built from the grammar', () => {
    const piece = fc.constantFrom(
      'UMA',
      'uma ',
      'as_uri',
      'ticket',
      '=',
      '==',
      '"',
      '\\',
      ',',
      ' ',
      '\t',
      'realm="x"',
      'https://as.example',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 2000 }), (pieces) => {
        const header = pieces.join('')
        const result = parseUmaChallenge(header)
        if (result !== undefined) {
          expect(result.asUri).not.toBe('')
          expect(result.ticket).not.toBe('')
        }
      }),
      { numRuns: 500 },
    )
  })
})
