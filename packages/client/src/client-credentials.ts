/**
 * @module A client's registration at each AS: the same `clientId` and secret everywhere by
 * default, or, per trusted issuer, its own (`clients`), so that a secret issued by one AS is
 * never sent to another.
 */
import type { ClientAuth } from '@uma-kit/core'
import {
  argumentError,
  noClientAuth,
  normalizeIssuer,
  readOptions,
  resolveClientAuth,
} from '@uma-kit/core/internal'

/** The client's registration at one AS. */
export interface IssuerCredentials {
  /** The client's id at this AS. */
  clientId: string
  /** Its secret there (`client_secret_basic`). */
  clientSecret?: string | undefined
  /** Its authentication there (openid-client's or oauth4webapi's `ClientAuth`). */
  clientAuth?: ClientAuth | undefined
}

/** A registration, resolved. */
export interface ResolvedCredentials {
  readonly clientId: string
  readonly clientAuth: ClientAuth
}

/**
 * Checks the `clients` option.
 *
 * @param value - the option: trusted issuer → registration
 * @param trusted - the normalised trusted issuers
 * @returns the registrations by normalised issuer
 * @throws {TypeError} for an issuer that is not trusted, or a bad registration
 */
export function readClients(
  value: unknown,
  trusted: readonly string[],
): ReadonlyMap<string, ResolvedCredentials> {
  const out = new Map<string, ResolvedCredentials>()
  if (value === undefined) return out
  for (const [issuer, entry] of Object.entries(
    readOptions<Record<string, unknown>>(value, 'options.clients'),
  )) {
    const key = normalizeIssuer(issuer, 'an options.clients key')
    if (!trusted.includes(key)) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `options.clients names ${key}, which is not in options.trustedIssuers`,
      )
    }
    const registration = readOptions<Record<keyof IssuerCredentials, unknown>>(
      entry,
      `options.clients["${key}"]`,
    )
    if (typeof registration.clientId !== 'string' || registration.clientId === '') {
      throw argumentError(
        'ERR_INVALID_ARG_TYPE',
        `options.clients["${key}"].clientId must be a non-empty string`,
      )
    }
    out.set(
      key,
      Object.freeze({
        clientId: registration.clientId,
        clientAuth:
          resolveClientAuth(registration.clientSecret, registration.clientAuth) ?? noClientAuth(),
      }),
    )
  }
  return out
}

/**
 * The registration to use at an AS: its own where `clients` names it, else the client-wide one.
 *
 * @param options - `clientId`, `clientAuth` and `clients` of the resolved options
 * @param issuer - a trusted, normalised issuer
 * @returns the client id and authentication
 */
export function credentialsFor(
  options: {
    readonly clientId: string
    readonly clientAuth: ClientAuth
    readonly clients: ReadonlyMap<string, ResolvedCredentials>
  },
  issuer: string,
): ResolvedCredentials {
  return options.clients.get(issuer) ?? options
}
