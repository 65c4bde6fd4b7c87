/**
 * @module What every endpoint of the development AS needs to know about its server.
 */
import type { AsEventListener } from './events.js'
import type { AsPaths, DevServerShape } from './shapes.js'
import type { AsState } from './state.js'

/** The server's state and settings, as the endpoints see them. */
export interface ServerContext {
  readonly state: AsState
  readonly shape: DevServerShape
  readonly paths: AsPaths
  /** The issuer (`as_uri`): the origin and `paths.base`. */
  issuer(): string
  /** The absolute URL of a path of this server. */
  url(path: string): string
  /** Reports an event; never throws. */
  readonly emit: AsEventListener
}
