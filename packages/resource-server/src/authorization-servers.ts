/**
 * @module The set of ASes one RS works with (UMA's distributed model: each owner's resources
 * protected by the AS that owner chose), which may grow and shrink while the RS runs.
 */
import { UmaError } from '@uma-kit/core'
import { argumentError, describeReceived, normalizeIssuer } from '@uma-kit/core/internal'
import type { Request } from 'express'
import { decodeJwt } from 'jose'
import { createAsConnection, type AsConnection, type SharedParts } from './as-connection.js'
import { resolveAs, type AuthorizationServerOptions } from './as-options.js'
import { MAX_AUTHORIZATION_SERVERS, type ResolvedOptions } from './options.js'

/** The ASes of one RS. */
export interface AuthorizationServers {
  /** The AS of a resource: the only one, or the one `issuerFor` names. */
  forResource(resourceId: string, req?: Request): AsConnection | Promise<AsConnection>
  /** One AS by its issuer, or `undefined`. */
  get(issuer: string): AsConnection | undefined
  /** Adds an AS; its options are checked as the factory checks them. */
  add(options: AuthorizationServerOptions): AsConnection
  /** Removes an AS, dropping its PAT and cached RPTs; `false` when it was not configured. */
  remove(issuer: string): boolean
  /** Every configured issuer, in the order they were added. */
  issuers(): readonly string[]
  /**
   * Whether a token belongs to another configured AS than `connection`'s: another AS's cache
   * holds it as active, or it is a JWT whose `iss` names another configured AS. Such a token is
   * never sent to `connection`'s AS, which would learn another AS's RPT (and could replay it).
   */
  vouchedElsewhere(connection: AsConnection, token: string): boolean
}

/** The `iss` of a JWT, read without trusting it, or `undefined`. */
function unverifiedIssuer(token: string): string | undefined {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) || token.length > 8192) return undefined
  try {
    const { iss } = decodeJwt(token)
    return typeof iss === 'string' ? normalizeIssuer(iss) : undefined
  } catch {
    return undefined
  }
}

function shown(value: string): string {
  const text = value.length > 200 ? `${value.slice(0, 200)}…` : value
  return JSON.stringify(text)
}

/**
 * Creates the set, connecting lazily to each AS.
 *
 * @param options - the resolved options (its `servers` and `issuerFor`)
 * @param shared - what every connection shares
 * @returns the set
 */
export function createAuthorizationServers(
  options: ResolvedOptions,
  shared: SharedParts,
): AuthorizationServers {
  const byIssuer = new Map<string, AsConnection>()
  for (const as of options.servers) byIssuer.set(as.issuer, createAsConnection(as, shared))
  const { issuerFor } = options
  /** The one AS, while there is exactly one: read on every request without `issuerFor`. */
  let sole: AsConnection | undefined
  const noteSole = () => {
    const [only] = byIssuer.values()
    sole = byIssuer.size === 1 ? only : undefined
  }
  noteSole()

  function named(issuer: unknown): AsConnection {
    if (typeof issuer !== 'string') {
      throw new UmaError(
        'unknown_issuer',
        `issuerFor gave ${describeReceived(issuer)}, not an issuer`,
      )
    }
    let key: string
    try {
      key = normalizeIssuer(issuer)
    } catch {
      key = issuer
    }
    const connection = byIssuer.get(key)
    if (connection === undefined) {
      throw new UmaError(
        'unknown_issuer',
        `issuerFor named ${shown(issuer)}, which is not one of the configured authorization servers`,
      )
    }
    return connection
  }

  function get(issuer: string): AsConnection | undefined {
    try {
      return byIssuer.get(normalizeIssuer(issuer))
    } catch {
      return undefined
    }
  }

  return {
    forResource(resourceId, req) {
      if (issuerFor === undefined) {
        if (sole === undefined) {
          throw new UmaError('unknown_issuer', 'several authorization servers and no issuerFor')
        }
        return sole
      }
      let chosen: string | Promise<string>
      try {
        chosen = issuerFor(resourceId, req)
      } catch (err) {
        throw new UmaError('resource_unresolved', 'issuerFor failed', { cause: err })
      }
      if (typeof chosen === 'string') return named(chosen)
      return Promise.resolve(chosen).then(named, (err: unknown) => {
        throw new UmaError('resource_unresolved', 'issuerFor failed', { cause: err })
      })
    },
    get,
    add(input) {
      if (byIssuer.size >= MAX_AUTHORIZATION_SERVERS) {
        throw argumentError(
          'ERR_INVALID_ARG_VALUE',
          `at most ${MAX_AUTHORIZATION_SERVERS} authorization servers can be configured`,
        )
      }
      if (issuerFor === undefined) {
        throw argumentError(
          'ERR_INVALID_ARG_VALUE',
          'authorization servers can be added only with options.issuerFor, which says which AS protects a resource',
        )
      }
      const as = resolveAs(input, 'authorizationServer.', options.asDefaults)
      if (byIssuer.has(as.issuer)) {
        throw argumentError('ERR_INVALID_ARG_VALUE', `${as.issuer} is already configured`)
      }
      const connection = createAsConnection(as, shared)
      byIssuer.set(as.issuer, connection)
      noteSole()
      return connection
    },
    remove(issuer) {
      const connection = get(issuer)
      if (connection === undefined || byIssuer.size === 1) return false
      connection.cache.close()
      byIssuer.delete(connection.issuer)
      noteSole()
      shared.discovery.delete(connection.issuer)
      return true
    },
    issuers: () => [...byIssuer.keys()],
    vouchedElsewhere(connection, token) {
      if (byIssuer.size < 2) return false
      const iss = unverifiedIssuer(token)
      if (iss !== undefined && iss !== connection.issuer && byIssuer.has(iss)) return true
      for (const other of byIssuer.values()) {
        if (other !== connection && other.cache.get(other.cache.key(token))?.active === true)
          return true
      }
      return false
    },
  }
}
