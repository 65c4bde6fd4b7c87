/**
 * @module The development AS's configuration: owners, clients and policies, read from JSON and
 * checked, so a typo in a policy file fails at start-up with the path of the mistake.
 */
import { readFile } from 'node:fs/promises'
import { argumentError } from './arguments.js'

/** What a requesting party (a client, here) needs for one scope of one resource. */
export interface ScopeRule {
  /** Claims the party must have given, by name and exact value (`{ "email": "bob@example.com" }`). */
  readonly claims?: Readonly<Record<string, string>>
  /** Whether the resource owner must approve the request first. */
  readonly ownerApproval?: boolean
}

/** A registered client. */
export interface ClientConfig {
  readonly secret: string
  /** The owner whose resources this client registers: it is a resource server. */
  readonly resourceServerFor?: string
  /** Where the claims interaction endpoint may send the browser back (UMA Grant §3.3.2). */
  readonly claimsRedirectUris?: readonly string[]
}

/** The policy of one resource, found by its registered `name`. */
export interface ResourcePolicy {
  readonly owner: string
  /** scope → client id → rule; a client with no rule for a scope is denied it. */
  readonly scopes: Readonly<Record<string, Readonly<Record<string, ScopeRule>>>>
}

/** The whole configuration. */
export interface AsConfig {
  readonly owners: Readonly<Record<string, { readonly password: string }>>
  readonly clients: Readonly<Record<string, ClientConfig>>
  readonly policies: Readonly<Record<string, ResourcePolicy>>
  readonly lifetimes: {
    readonly ticketSeconds: number
    readonly rptSeconds: number
    readonly patSeconds: number
  }
  readonly pollIntervalSeconds: number
}

/** A configuration as written in JSON or in code: `lifetimes` and `pollIntervalSeconds` may be left out. */
export interface AsConfigInput {
  readonly owners: Readonly<Record<string, { readonly password: string }>>
  readonly clients: Readonly<Record<string, ClientConfig>>
  readonly policies: Readonly<Record<string, ResourcePolicy>>
  readonly lifetimes?: Partial<AsConfig['lifetimes']> | undefined
  readonly pollIntervalSeconds?: number | undefined
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(path: string, expected: string): never {
  throw argumentError('ERR_INVALID_ARG_VALUE', `config${path} must be ${expected}`)
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) fail(path, 'an object')
  return value
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'a non-empty string')
  return value
}

function seconds(value: unknown, path: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    fail(path, 'a positive number')
  }
  return value
}

function readRule(value: unknown, path: string): ScopeRule {
  const rule = object(value, path)
  const out: { claims?: Record<string, string>; ownerApproval?: boolean } = {}
  if (rule.claims !== undefined) {
    const claims = object(rule.claims, `${path}.claims`)
    out.claims = Object.fromEntries(
      Object.entries(claims).map(([name, v]) => [name, string(v, `${path}.claims.${name}`)]),
    )
  }
  if (rule.ownerApproval !== undefined) {
    if (typeof rule.ownerApproval !== 'boolean') fail(`${path}.ownerApproval`, 'a boolean')
    out.ownerApproval = rule.ownerApproval
  }
  return out
}

/**
 * Checks a parsed configuration.
 *
 * @param value - the parsed JSON
 * @returns the checked configuration
 * @throws {TypeError} naming the first bad member (code `ERR_INVALID_ARG_VALUE`)
 */
export function checkConfig(value: unknown): AsConfig {
  const root = object(value, '')
  const owners = object(root.owners, '.owners')
  const checkedOwners: Record<string, { password: string }> = {}
  for (const [name, owner] of Object.entries(owners)) {
    checkedOwners[name] = {
      password: string(object(owner, `.owners.${name}`).password, `.owners.${name}.password`),
    }
  }
  const clients: Record<string, ClientConfig> = {}
  for (const [id, raw] of Object.entries(object(root.clients, '.clients'))) {
    const path = `.clients.${id}`
    const client = object(raw, path)
    const entry: {
      secret: string
      resourceServerFor?: string
      claimsRedirectUris?: string[]
    } = { secret: string(client.secret, `${path}.secret`) }
    if (client.resourceServerFor !== undefined) {
      const owner = string(client.resourceServerFor, `${path}.resourceServerFor`)
      if (checkedOwners[owner] === undefined) fail(`${path}.resourceServerFor`, 'a known owner')
      entry.resourceServerFor = owner
    }
    if (client.claimsRedirectUris !== undefined) {
      if (!Array.isArray(client.claimsRedirectUris)) fail(`${path}.claimsRedirectUris`, 'an array')
      entry.claimsRedirectUris = client.claimsRedirectUris.map((uri, i) =>
        string(uri, `${path}.claimsRedirectUris[${i}]`),
      )
    }
    clients[id] = entry
  }
  const policies: Record<string, ResourcePolicy> = {}
  for (const [name, raw] of Object.entries(object(root.policies, '.policies'))) {
    const path = `.policies.${name}`
    const policy = object(raw, path)
    const owner = string(policy.owner, `${path}.owner`)
    if (checkedOwners[owner] === undefined) fail(`${path}.owner`, 'a known owner')
    const scopes: Record<string, Record<string, ScopeRule>> = {}
    for (const [scope, rules] of Object.entries(object(policy.scopes, `${path}.scopes`))) {
      scopes[scope] = {}
      for (const [clientId, rule] of Object.entries(object(rules, `${path}.scopes.${scope}`))) {
        if (clients[clientId] === undefined) {
          fail(`${path}.scopes.${scope}.${clientId}`, 'a rule for a known client')
        }
        scopes[scope][clientId] = readRule(rule, `${path}.scopes.${scope}.${clientId}`)
      }
    }
    policies[name] = { owner, scopes }
  }
  const lifetimes = root.lifetimes === undefined ? {} : object(root.lifetimes, '.lifetimes')
  return {
    owners: checkedOwners,
    clients,
    policies,
    lifetimes: {
      ticketSeconds: seconds(lifetimes.ticketSeconds, '.lifetimes.ticketSeconds', 300),
      rptSeconds: seconds(lifetimes.rptSeconds, '.lifetimes.rptSeconds', 300),
      patSeconds: seconds(lifetimes.patSeconds, '.lifetimes.patSeconds', 3600),
    },
    pollIntervalSeconds: seconds(root.pollIntervalSeconds, '.pollIntervalSeconds', 5),
  }
}

/**
 * Reads and checks a configuration file.
 *
 * @param path - a JSON file such as `config/photos.json`
 * @returns the checked configuration
 */
export async function loadConfig(path: string | URL): Promise<AsConfig> {
  return checkConfig(JSON.parse(await readFile(path, 'utf8')) as unknown)
}

/** The configuration of the photo demo, shipped in `config/photos.json`. */
export const PHOTOS_CONFIG_URL: URL = new URL('../config/photos.json', import.meta.url)
