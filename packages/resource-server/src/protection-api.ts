/**
 * @module The Protection API of one AS as users see it: resources, tickets, introspection and
 * metadata, each call bounded and checked like the guard's own.
 */
import type { PermissionRequest, RptIntrospection, UmaServerMetadata } from '@uma-kit/core'
import { argumentError } from '@uma-kit/core/internal'
import type { AsConnection } from './as-connection.js'
import type { ResourceRegistry } from './resources.js'
import { checkPermissions } from './tickets.js'

/** The Protection API of one AS (UMA FedAuthz §3–§5). */
export interface ProtectionApi {
  /** The Resource Registration API, with the PAT. */
  readonly resources: ResourceRegistry
  /**
   * Asks the AS for a permission ticket.
   *
   * @param permissions - one permission or several
   * @returns the ticket
   * @throws {UmaError} `invalid_resource_id`, `invalid_scope`, `as_unreachable`, `as_error`,
   *   `ticket_not_issued`, `invalid_response`
   */
  requestTicket(permissions: PermissionRequest | PermissionRequest[]): Promise<string>
  /**
   * Checks an RPT through the cache (introspection, or the JWT check per `rptValidation`).
   *
   * @param rpt - the token
   * @returns the answer, frozen (`{ active: false }` for a token the AS disowns)
   */
  introspect(rpt: string): Promise<Readonly<RptIntrospection>>
  /** The AS's metadata, as the RS uses it. */
  metadata(): Promise<UmaServerMetadata>
}

/**
 * The Protection API over one connection.
 *
 * @param connection - the AS
 * @returns its API
 */
export function createProtectionApi(connection: AsConnection): ProtectionApi {
  return Object.freeze({
    resources: connection.resources,
    requestTicket: async (permissions: PermissionRequest | PermissionRequest[]) =>
      connection.requestTicket(checkPermissions(permissions)),
    async introspect(rpt: string) {
      if (typeof rpt !== 'string' || rpt === '') {
        throw argumentError(
          'ERR_INVALID_ARG_TYPE',
          'introspect needs the RPT as a non-empty string',
        )
      }
      const check = await connection.cache.check(rpt, (token) => connection.checkRpt(token))
      return check.rpt.introspection
    },
    metadata: () => connection.metadata.all(),
  })
}
