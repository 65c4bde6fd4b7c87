/**
 * @module The command line of `uma-dev-server`, read into `startDevServer`'s options.
 */
import { parseArgs } from 'node:util'
import type { DevServerShape } from './shapes.js'

/** What the command line asks for. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'run'
      readonly shape: DevServerShape
      readonly port: number
      readonly host: string
      /** The policies file as given; the CLI resolves it from the current directory. */
      readonly config: string | undefined
      readonly realm: string | undefined
    }

/** `uma-dev-server --help`. */
export const USAGE = `Usage: uma-dev-server [options]

A development UMA 2.0 authorization server, in memory. Not for production.
The first line printed is the issuer URL; then one line per thing the server does.

Options:
  -p, --port <n>       port to listen on; 0 for a free one (default 0)
      --host <addr>    address to listen on (default 127.0.0.1)
  -c, --config <file>  owners, clients and policies (JSON), relative to the current
                       directory (default: the photo demo's configuration)
      --keycloak       Keycloak's wire shape (issuer <origin>/realms/<realm>)
      --realm <name>   Keycloak's realm name (default photos)
      --cas            Apereo CAS's UMA shape (issuer <origin>/cas/oauth2.0)
      --wso2           WSO2 Identity Server's UMA shape (no discovery document)
  -h, --help           show this help
`

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  config: { type: 'string', short: 'c' },
  keycloak: { type: 'boolean' },
  realm: { type: 'string' },
  cas: { type: 'boolean' },
  wso2: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * Reads the command line.
 *
 * @param argv - the arguments after the script's name
 * @returns what to do
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values
  try {
    // `pnpm start -- --keycloak` passes the `--` along
    const args = argv.filter((arg) => arg !== '--')
    values = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) }
  }
  if (values.help === true) return { kind: 'help' }
  const shapes = (['keycloak', 'cas', 'wso2'] as const).filter((shape) => values[shape] === true)
  if (shapes.length > 1)
    return { kind: 'error', message: 'choose one of --keycloak, --cas, --wso2' }
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65_535) {
    return { kind: 'error', message: '--port must be a port number (0 for a free one)' }
  }
  if (values.realm !== undefined && shapes[0] !== 'keycloak') {
    return { kind: 'error', message: '--realm goes with --keycloak' }
  }
  return {
    kind: 'run',
    shape: shapes[0] ?? 'spec',
    port,
    host: values.host ?? '127.0.0.1',
    config: values.config,
    realm: values.realm,
  }
}
