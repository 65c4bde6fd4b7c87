/**
 * @module Setting a server up from code, for tests: resources registered without a PAT, and RPTs
 * minted for given permissions without the grant. What they make is what the endpoints would
 * have made, so a resource server cannot tell the difference.
 */
import { argumentError } from './arguments.js'
import type { ServerContext } from './context.js'
import { readDescription, readScopes } from './resource-input.js'
import { createResource } from './resource-store.js'
import { issueRpt } from './rpt.js'
import type { GrantedPermission } from './state.js'

/** A resource to register up front. */
export interface SeedResource {
  name: string
  resource_scopes: string[]
  /** The resource server client that owns the registration. @default the only RS client */
  rsClient?: string | undefined
  type?: string | undefined
  icon_uri?: string | undefined
  description?: string | undefined
  uri?: string | undefined
}

/** Options of `mintRpt`. */
export interface MintRptOptions {
  /** The permissions the RPT holds: `[{ resource_id, resource_scopes }]`. */
  permissions: readonly { resource_id: string; resource_scopes: readonly string[] }[]
  /** Lifetime in seconds; zero or less mints an RPT that has already expired. @default lifetimes.rptSeconds */
  expiresIn?: number | undefined
  /** The client the RPT was issued to. @default 'test-client' */
  clientId?: string | undefined
  /** The requesting party (`sub`, WSO2's `username`). @default clientId */
  subject?: string | undefined
  /** The JWT's `aud`. @default the resource servers of the resources */
  audience?: readonly string[] | undefined
}

function rsClientFor(ctx: ServerContext, given: string | undefined): string {
  const clients = ctx.state.config.clients
  if (given !== undefined) {
    if (clients[given]?.resourceServerFor === undefined) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `rsClient ${given} is not a resource server client`,
      )
    }
    return given
  }
  const servers = Object.keys(clients).filter((id) => clients[id]?.resourceServerFor !== undefined)
  if (servers.length !== 1 || servers[0] === undefined) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `rsClient is required: the configuration has ${servers.length} resource server clients`,
    )
  }
  return servers[0]
}

/**
 * Registers a resource as its RS would, without a PAT.
 *
 * @returns the resource's id
 * @throws {TypeError} for a bad description, an unknown RS client, or a name its owner has taken
 */
export function seedResource(ctx: ServerContext, resource: SeedResource): string {
  const { rsClient: given, ...rest } = resource
  const rsClient = rsClientFor(ctx, given)
  const description = readDescription(rest)
  if (typeof description === 'string') {
    throw argumentError('ERR_INVALID_ARG_VALUE', `a resource to register: ${description}`)
  }
  const owner = ctx.state.config.clients[rsClient]?.resourceServerFor ?? ''
  const created = createResource(ctx, { clientId: rsClient, owner }, description)
  if (created === 'conflict') {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `${owner} already has a resource ${description.name}`,
    )
  }
  return created._id
}

function checkPermissions(value: unknown): GrantedPermission[] {
  if (!Array.isArray(value)) {
    throw argumentError('ERR_INVALID_ARG_TYPE', 'options.permissions must be an array')
  }
  return (value as unknown[]).map((entry, i) => {
    const { resource_id: id, resource_scopes: scopes } = (entry ?? {}) as Record<string, unknown>
    const names = readScopes(scopes, true)
    if (typeof id !== 'string' || id === '' || names === undefined) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        `options.permissions[${i}] must have a resource_id and resource_scopes`,
      )
    }
    return { resource_id: id, resource_scopes: names }
  })
}

/**
 * Mints an RPT holding the given permissions, in the shape's format, recorded so that
 * introspection vouches for it.
 *
 * @returns the RPT
 * @throws {TypeError} for bad permissions or lifetime
 */
export async function mintRpt(ctx: ServerContext, options: MintRptOptions): Promise<string> {
  const permissions = checkPermissions(options.permissions)
  const { expiresIn } = options
  if (expiresIn !== undefined && !Number.isFinite(expiresIn)) {
    throw argumentError('ERR_INVALID_ARG_VALUE', 'options.expiresIn must be a finite number')
  }
  const clientId = options.clientId ?? 'test-client'
  const { rpt } = await issueRpt(ctx.state, ctx.shape, ctx.issuer(), {
    clientId,
    subject: options.subject,
    permissions,
    expiresIn,
    audience: options.audience === undefined ? undefined : [...options.audience],
  })
  return rpt
}
