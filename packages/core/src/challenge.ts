/**
 * @module The `WWW-Authenticate` field (RFC 9110 §11.6.1) and the UMA challenge in it (UMA Grant §3.2).
 */
import { argumentError, describeReceived } from './errors.js'
import type { AuthChallenge, UmaChallenge } from './types.js'

/** Longest field value read; beyond it the field is ignored as hostile. */
const MAX_HEADER_LENGTH = 64 * 1024

const TAB = 9
const LF = 10
const CR = 13
const SPACE = 32
const QUOTE = 34
const COMMA = 44
const EQUALS = 61
const BACKSLASH = 92

function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR
}

/**
 * A single forward pass over the field. Every loop advances `pos`, and nothing is re-read, so the
 * cost is linear in the length whatever the input.
 */
class FieldReader {
  pos = 0
  readonly text: string

  constructor(text: string) {
    this.text = text
  }

  // a method, not a getter: TypeScript would keep a getter's narrowing across `pos++`
  atEnd(): boolean {
    return this.pos >= this.text.length
  }

  peek(): number {
    return this.text.charCodeAt(this.pos)
  }

  skipWhitespace(): void {
    while (!this.atEnd() && isWhitespace(this.peek())) this.pos++
  }

  skipSeparators(): void {
    while (!this.atEnd() && (isWhitespace(this.peek()) || this.peek() === COMMA)) this.pos++
  }

  /** A scheme, parameter name or token68: anything up to whitespace, `,`, `=` or `"`. */
  readWord(): string {
    const start = this.pos
    while (!this.atEnd()) {
      const c = this.peek()
      if (isWhitespace(c) || c === COMMA || c === EQUALS || c === QUOTE) break
      this.pos++
    }
    return this.text.slice(start, this.pos)
  }

  /** After a name and `=`: a quoted string, or a bare value up to `,` or whitespace. */
  readValue(): string | undefined {
    if (this.peek() === QUOTE) return this.readQuoted()
    const start = this.pos
    while (!this.atEnd() && this.peek() !== COMMA && !isWhitespace(this.peek())) this.pos++
    return this.text.slice(start, this.pos)
  }

  /** A quoted string with `\` escapes undone; `undefined` when it is never closed. */
  readQuoted(): string | undefined {
    this.pos++
    let out = ''
    let chunkStart = this.pos
    while (!this.atEnd()) {
      const c = this.peek()
      if (c === QUOTE) {
        out += this.text.slice(chunkStart, this.pos)
        this.pos++
        return out
      }
      if (c === BACKSLASH) {
        out += this.text.slice(chunkStart, this.pos)
        this.pos++
        chunkStart = this.pos
      }
      this.pos++
    }
    return undefined
  }

  /** Skips a stray character that can start nothing (a lone `=` or `"`), so the pass moves on. */
  skipJunk(): void {
    if (this.peek() === QUOTE) {
      this.readQuoted()
      return
    }
    this.pos++
  }
}

/** A challenge as the scanner sees it; params are a Map so hostile names cannot reach a prototype. */
interface ScannedChallenge {
  scheme: string
  params: Map<string, string>
  token68?: string
}

/**
 * Walks the challenges of a field value, handing each to `visit` once it is complete; stops when
 * `visit` returns `true`.
 */
function scanChallenges(text: string, visit: (challenge: ScannedChallenge) => boolean): void {
  const reader = new FieldReader(text)
  let current: ScannedChallenge | undefined
  // true right after a scheme: the only place a token68 may stand
  let afterScheme = false

  while (true) {
    reader.skipSeparators()
    if (reader.atEnd()) break
    const word = reader.readWord()
    if (word === '') {
      reader.skipJunk()
      continue
    }
    reader.skipWhitespace()
    if (reader.peek() !== EQUALS) {
      if (current !== undefined && visit(current)) return
      current = { scheme: word, params: new Map() }
      afterScheme = true
      continue
    }
    // name "=" … : a parameter, unless this is a token68 such as `abc==` closing the challenge
    const equalsStart = reader.pos
    while (!reader.atEnd() && reader.peek() === EQUALS) reader.pos++
    const equalsCount = reader.pos - equalsStart
    reader.skipWhitespace()
    if (reader.atEnd() || reader.peek() === COMMA || equalsCount > 1) {
      if (afterScheme && current !== undefined) current.token68 = word + '='.repeat(equalsCount)
      afterScheme = false
      if (equalsCount > 1) reader.readValue()
      continue
    }
    afterScheme = false
    const value = reader.readValue()
    if (value === undefined) break
    const name = word.toLowerCase()
    // a parameter with no scheme before it (gogatekeeper) belongs to no challenge
    if (current !== undefined && !current.params.has(name)) current.params.set(name, value)
  }
  if (current !== undefined) visit(current)
}

/**
 * Reads every challenge of a `WWW-Authenticate` field: several challenges in one value, several
 * field lines (an array, or joined with `", "` as `Headers.get()` does), quoted strings with
 * `\` escapes, bare values, any case for names, optional whitespace around `=` and `,`.
 *
 * Never throws; malformed parts are skipped. Input past 64 KiB gives `[]`.
 *
 * @param header - the field value(s)
 * @returns the challenges in order
 * @see RFC 9110 §11.6.1
 */
export function parseAuthChallenges(header: unknown): AuthChallenge[] {
  const text = headerText(header)
  if (text === undefined) return []
  const challenges: AuthChallenge[] = []
  scanChallenges(text, (scanned) => {
    const challenge: AuthChallenge = {
      scheme: scanned.scheme,
      params: Object.fromEntries(scanned.params),
    }
    if (scanned.token68 !== undefined) challenge.token68 = scanned.token68
    challenges.push(challenge)
    return false
  })
  return challenges
}

function headerText(header: unknown): string | undefined {
  let text: string
  if (typeof header === 'string') text = header
  else if (Array.isArray(header) && header.every((h) => typeof h === 'string'))
    text = header.join(', ')
  else return undefined
  return text.length > MAX_HEADER_LENGTH ? undefined : text
}

/**
 * Finds the UMA challenge in a `WWW-Authenticate` field value and reads its `as_uri`, `ticket`
 * and `realm`. The scheme is matched case-insensitively among any number of challenges; the first
 * UMA challenge that carries both a non-empty `as_uri` and `ticket` wins.
 *
 * Never throws, whatever the input.
 *
 * @param header - the field value, e.g. `response.headers.get('www-authenticate')`
 * @returns the challenge, or `undefined` when there is no usable UMA challenge
 * @see UMA Grant §3.2, UMA Grant §3.2
 * @example
 * ```ts
 * parseUmaChallenge('Bearer realm="api", UMA realm="photos", as_uri="https://as.example", ticket="t1"')
 * // → { realm: 'photos', asUri: 'https://as.example', ticket: 't1' }
 * ```
 */
export function parseUmaChallenge(header: string | null | undefined): UmaChallenge | undefined {
  const text = headerText(header)
  if (text === undefined) return undefined
  let found: UmaChallenge | undefined
  scanChallenges(text, ({ scheme, params }) => {
    if (scheme.length !== 3 || scheme.toLowerCase() !== 'uma') return false
    const asUri = params.get('as_uri')
    const ticket = params.get('ticket')
    if (asUri === undefined || asUri === '' || ticket === undefined || ticket === '') return false
    const realm = params.get('realm')
    found = realm === undefined ? { asUri, ticket } : { realm, asUri, ticket }
    return true
  })
  return found
}

// Characters an HTTP field value may hold, as Node checks them before sending.
const FIELD_VALUE_CHARS = /^[\t\x20-\x7e\x80-\xff]*$/

function quote(name: string, value: unknown, required: boolean): string {
  if (typeof value !== 'string') {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `challenge.${name} must be a string, received ${describeReceived(value)}`,
    )
  }
  if (required && value === '') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `challenge.${name} must not be empty`)
  }
  if (!FIELD_VALUE_CHARS.test(value)) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `challenge.${name} holds a character an HTTP header cannot carry (CR, LF or another control character)`,
    )
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/**
 * Writes the UMA challenge of a 401 response: `UMA realm="…", as_uri="…", ticket="…"`, each value
 * a quoted string with `"` and `\` escaped. `parseUmaChallenge(formatUmaChallenge(x))` equals `x`.
 *
 * @param challenge - `asUri` and `ticket` (non-empty), and `realm` when one is configured
 * @returns the `WWW-Authenticate` field value
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` or `ERR_INVALID_ARG_VALUE` for a missing or empty
 *   value, or one holding CR, LF or other characters a header cannot carry
 * @see UMA Grant §3.2
 */
export function formatUmaChallenge(challenge: {
  realm?: string | undefined
  asUri: string
  ticket: string
}): string {
  // JavaScript callers can pass anything
  const input: unknown = challenge
  if (typeof input !== 'object' || input === null) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `challenge must be an object, received ${describeReceived(input)}`,
    )
  }
  const parts: string[] = []
  if (challenge.realm !== undefined) parts.push(`realm=${quote('realm', challenge.realm, false)}`)
  parts.push(`as_uri=${quote('asUri', challenge.asUri, true)}`)
  parts.push(`ticket=${quote('ticket', challenge.ticket, true)}`)
  return `UMA ${parts.join(', ')}`
}
