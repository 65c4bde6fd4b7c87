#!/usr/bin/env node
/**
 * `uma-dev-server`: starts the development AS, prints its issuer URL, then its endpoints and one
 * line per event (tokens never shown); SIGINT or SIGTERM stops it cleanly.
 */
import { parseCliArgs, USAGE } from './cli-args.js'
import { startDevServer } from './start.js'

const out = (line: string) => process.stdout.write(`${line}\n`)
const command = parseCliArgs(process.argv.slice(2))

if (command.kind === 'help') {
  out(USAGE)
} else if (command.kind === 'error') {
  process.stderr.write(`uma-dev-server: ${command.message}\n\n${USAGE}`)
  process.exitCode = 2
} else {
  try {
    const server = await startDevServer({
      shape: command.shape,
      port: command.port,
      host: command.host,
      config: command.config,
      realm: command.realm,
      onEvent: (event) => {
        out(`[as] ${event.message}`)
      },
    })
    out(server.issuer)
    out(`uma-dev-server: ${server.shape} shape, in memory, for development only`)
    const discovery = server.paths.discovery
    out(
      discovery === undefined
        ? 'no discovery document in this shape: configure these endpoints as metadata'
        : `discovery: ${new URL(server.issuer).origin}${discovery}`,
    )
    for (const [name, url] of Object.entries(server.metadata)) out(`  ${name}: ${url}`)
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      out(`uma-dev-server: ${signal}, stopping`)
      void server.close().then(() => process.exit(0))
    }
    process.once('SIGINT', () => {
      stop('SIGINT')
    })
    process.once('SIGTERM', () => {
      stop('SIGTERM')
    })
  } catch (err) {
    // a bad policies file or a port in use: say what, without a stack trace
    process.stderr.write(`uma-dev-server: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
}
