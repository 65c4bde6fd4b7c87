/**
 * Starts the development AS: `pnpm --filter @uma-kit/example-authorization-server start
 * [--keycloak] [--port N] [--config FILE]`. Prints its issuer and each event; Ctrl-C stops it.
 */
import { parseArgs } from 'node:util'
import { PHOTOS_CONFIG_URL, createAuthorizationServer, loadConfig } from './index.js'

const { values } = parseArgs({
  // `pnpm start -- --keycloak` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    keycloak: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    config: { type: 'string' },
  },
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('--port must be a port number')
  process.exit(2)
}
const config = await loadConfig(values.config ?? PHOTOS_CONFIG_URL)
const as = await createAuthorizationServer({
  config,
  mode: values.keycloak ? 'keycloak' : 'spec',
  onEvent: (event) => {
    console.log(`[as] ${event.message}`)
  },
})
const issuer = await as.listen(port)
console.log(`UMA authorization server (${as.mode} mode) at ${issuer}`)
console.log(`discovery: ${issuer}/.well-known/uma2-configuration`)
const stop = () => {
  void as.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
