/**
 * @module `startDevServer`: a development AS listening in one call, with its configuration given
 * as a file, a URL or an object.
 */
import { resolve } from 'node:path'
import { argumentError } from './arguments.js'
import {
  checkConfig,
  loadConfig,
  PHOTOS_CONFIG_URL,
  type AsConfig,
  type AsConfigInput,
} from './config.js'
import type { AsEventListener } from './events.js'
import { createDevServer, type DevServer } from './server.js'
import type { DevServerShape } from './shapes.js'

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** The wire shape. @default 'spec' */
  shape?: DevServerShape | undefined
  /** The port; 0 for a free one. @default 0 */
  port?: number | undefined
  /** The address to listen on. @default '127.0.0.1' */
  host?: string | undefined
  /**
   * Owners, clients and policies: an object (checked as the JSON would be), or a JSON file's
   * path (relative to the current directory) or `file:` URL.
   * @default the photo demo's configuration (`PHOTOS_CONFIG_URL`)
   */
  config?: AsConfigInput | AsConfig | string | URL | undefined
  /** Keycloak's realm name, in the `'keycloak'` shape. @default 'photos' */
  realm?: string | undefined
  /** Receives an event for each thing the AS does; never given a token. */
  onEvent?: AsEventListener | undefined
}

/**
 * Reads a configuration given as an object, a path or a URL.
 *
 * @param config - the configuration, or where it is
 * @returns the checked configuration
 * @throws {TypeError} naming the first bad member
 */
export async function resolveConfig(config: DevServerOptions['config']): Promise<AsConfig> {
  if (config === undefined) return loadConfig(PHOTOS_CONFIG_URL)
  if (config instanceof URL) return loadConfig(config)
  if (typeof config === 'string') return loadConfig(resolve(process.cwd(), config))
  return checkConfig(config)
}

function checkPort(port: unknown): number {
  if (port === undefined) return 0
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      'options.port must be a port number (0 for a free one)',
    )
  }
  return port
}

/**
 * Starts a development UMA authorization server.
 *
 * @param options - shape, port, host, configuration, event listener
 * @returns the running server: its `issuer`, `metadata`, `state`, `events`, `close()`, ...
 * @throws {TypeError} for bad options or configuration
 * @example
 * ```ts
 * const server = await startDevServer({ shape: 'keycloak', config: './policies.json' })
 * console.log(server.issuer) // http://127.0.0.1:<port>/realms/photos
 * await server.close()
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = checkPort(options.port)
  const server = await createDevServer({
    config: await resolveConfig(options.config),
    shape: options.shape,
    realm: options.realm,
    onEvent: options.onEvent,
  })
  await server.listen(port, options.host ?? '127.0.0.1')
  return server
}
