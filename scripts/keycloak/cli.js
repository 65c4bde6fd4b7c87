#!/usr/bin/env node
// Starts the suite's Keycloak with the photos realm and keeps it running until Ctrl-C:
//   node scripts/keycloak/cli.js [--log]
// Prints where it listens, how long it took, and its memory.
import process from 'node:process'
import { KEYCLOAK_VERSION, checkPrerequisites, ensureDistribution, startKeycloak } from './index.js'

const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`)
const { missing } = checkPrerequisites()
if (missing.length > 0) {
  say(`Keycloak needs ${missing.join(' and ')}`)
  process.exit(1)
}
const home = await ensureDistribution({ log: say })
say(`starting Keycloak ${KEYCLOAK_VERSION} from ${home}`)
const verbose = process.argv.includes('--log')
const kc = await startKeycloak({ home, ...(verbose ? { onLog: say } : {}) })
say(`Keycloak at ${kc.url} (management ${kc.managementPort}), ready in ${kc.bootMs} ms`)
say(`  issuer ${kc.url}/realms/photos`)
say(`  RSS ${((kc.rssKb() ?? 0) / 1024).toFixed(0)} MB, process group ${kc.pid}`)
say(`  listening on ${(kc.listeningSockets() ?? ['?']).join(', ')}`)
say('Ctrl-C stops it')
const stop = () => {
  void kc.stop().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
