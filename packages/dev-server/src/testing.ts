/**
 * @module `@uma-kit/dev-server/testing`: an authorization server for your own test suites
 * (vitest, node:test, ...), in-process on a free port of 127.0.0.1, configured in code:
 * clients, policies and resources registered up front, RPTs minted for given permissions, and
 * the options a resource server or a client needs to talk to it in each shape.
 */
import { argumentError } from './arguments.js'
import type { ClientConfig, ResourcePolicy, ScopeRule } from './config.js'
import type { DevServerMetadata } from './discovery.js'
import type { AsEventListener } from './events.js'
import type { SeedResource } from './seed.js'
import type { DevServer } from './server.js'
import type { DevServerShape } from './shapes.js'
import { startDevServer } from './start.js'

export type { MintRptOptions, SeedResource } from './seed.js'
export type { ClientConfig, ResourcePolicy, ScopeRule }

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** The wire shape. @default 'spec' */
  shape?: DevServerShape | undefined
  /**
   * The clients, by id. @default `test-rs` (secret `test-rs-secret`, a resource server for
   * `owner`) and `test-client` (secret `test-client-secret`)
   */
  clients?: Readonly<Record<string, ClientConfig>> | undefined
  /** Owners' passwords; owners named by clients and policies are added with `<name>-password`. */
  owners?: Readonly<Record<string, { readonly password: string }>> | undefined
  /** Policies by resource name: who may do what (see the README). @default {} (nobody gets anything) */
  policies?: Readonly<Record<string, ResourcePolicy>> | undefined
  /** Resources registered before the server answers anything; their ids are in `resourceIds`. */
  resources?: readonly SeedResource[] | undefined
  /** Token lifetimes in seconds. @default tickets 300, RPTs 300, PATs 3600 */
  lifetimes?: { ticketSeconds?: number; rptSeconds?: number; patSeconds?: number } | undefined
  /** The `interval` of `request_submitted`. @default 5 */
  pollIntervalSeconds?: number | undefined
  /** Keycloak's realm name. @default 'photos' */
  realm?: string | undefined
  /** Receives each event. */
  onEvent?: AsEventListener | undefined
}

/** What a resource server needs to talk to the test server (a subset of `ResourceServerOptions`). */
export interface TestResourceServerOptions {
  issuer: string
  clientId: string
  clientSecret: string
  /** Set where the shape has no discovery document (WSO2). */
  metadata?: DevServerMetadata
  /** `'pat'` in the WSO2 shape, whose introspection takes no client credentials. */
  introspectionAuth?: 'pat'
  /** `'object'` in the CAS shape, whose permission endpoint takes one object. */
  permissionRequestFormat?: 'object'
}

/** What a client needs to talk to the test server (a subset of `UmaFetchOptions`). */
export interface TestClientOptions {
  trustedIssuers: string[]
  clientId: string
  clientSecret: string
  /** Set where the shape has no discovery document (WSO2). */
  metadata?: Record<string, DevServerMetadata>
}

/** A running test server. */
export interface TestServer extends DevServer {
  /** The ids of the resources registered up front, by name. */
  readonly resourceIds: ReadonlyMap<string, string>
  /** Options for `createResourceServer` as the RS client `clientId` (default: the only RS client). */
  resourceServerOptions(clientId?: string): TestResourceServerOptions
  /** Options for `createUmaFetch` as the client `clientId` (default: the only other client). */
  clientOptions(clientId?: string): TestClientOptions
}

const DEFAULT_CLIENTS: Record<string, ClientConfig> = {
  'test-rs': { secret: 'test-rs-secret', resourceServerFor: 'owner' },
  'test-client': { secret: 'test-client-secret' },
}

function ownersOf(options: TestServerOptions, clients: Readonly<Record<string, ClientConfig>>) {
  const owners: Record<string, { password: string }> = { ...options.owners }
  const named = [
    ...Object.values(clients).map((c) => c.resourceServerFor),
    ...Object.values(options.policies ?? {}).map((p) => p.owner),
  ]
  for (const name of named) {
    if (name !== undefined && owners[name] === undefined)
      owners[name] = { password: `${name}-password` }
  }
  return owners
}

function onlyClient(
  clients: Readonly<Record<string, ClientConfig>>,
  server: boolean,
  given: string | undefined,
): [string, ClientConfig] {
  const matching = Object.entries(clients).filter(
    ([id, c]) =>
      (given === undefined || id === given) && (c.resourceServerFor !== undefined) === server,
  )
  const [only] = matching
  if (matching.length !== 1 || only === undefined) {
    const what = server ? 'resource server client' : 'client'
    throw argumentError('ERR_INVALID_ARG_VALUE', `name the ${what}: ${matching.length} match`)
  }
  return only
}

/**
 * Starts an authorization server for a test suite: in-process, on a free port of 127.0.0.1,
 * configured in code. Close it in `afterAll` (or `after`, in node:test).
 *
 * @param options - shape, clients, owners, policies, resources, lifetimes
 * @returns the server, with `resourceIds`, `mintRpt`, `registerResource` and option helpers
 * @throws {TypeError} for a bad configuration or resource (naming the mistake)
 * @example
 * ```ts
 * const as = await startTestServer({
 *   policies: { 'doc-1': { owner: 'owner', scopes: { read: { 'test-client': {} } } } },
 *   resources: [{ name: 'doc-1', resource_scopes: ['read'] }],
 * })
 * const rpt = await as.mintRpt({
 *   permissions: [{ resource_id: as.resourceIds.get('doc-1')!, resource_scopes: ['read'] }],
 * })
 * ```
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clients = options.clients ?? DEFAULT_CLIENTS
  const server = await startDevServer({
    shape: options.shape,
    realm: options.realm,
    onEvent: options.onEvent,
    config: {
      owners: ownersOf(options, clients),
      clients,
      policies: options.policies ?? {},
      lifetimes: options.lifetimes,
      pollIntervalSeconds: options.pollIntervalSeconds,
    },
  })
  const resourceIds = new Map<string, string>()
  try {
    for (const resource of options.resources ?? []) {
      resourceIds.set(resource.name, server.registerResource(resource))
    }
  } catch (err) {
    await server.close()
    throw err
  }
  const noDiscovery = server.shape === 'wso2'
  return Object.assign(server, {
    resourceIds,
    resourceServerOptions(clientId?: string): TestResourceServerOptions {
      const [id, client] = onlyClient(clients, true, clientId)
      return {
        issuer: server.issuer,
        clientId: id,
        clientSecret: client.secret,
        ...(noDiscovery ? { metadata: server.metadata, introspectionAuth: 'pat' as const } : {}),
        ...(server.shape === 'cas' ? { permissionRequestFormat: 'object' as const } : {}),
      }
    },
    clientOptions(clientId?: string): TestClientOptions {
      const [id, client] = onlyClient(clients, false, clientId)
      return {
        trustedIssuers: [server.issuer],
        clientId: id,
        clientSecret: client.secret,
        ...(noDiscovery ? { metadata: { [server.issuer]: server.metadata } } : {}),
      }
    },
  })
}
