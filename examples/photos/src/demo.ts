/**
 * `pnpm demo`: the photo-sharing scenario of the UMA specs, told as it happens. Starts the
 * development AS and the photo RS on free ports of 127.0.0.1, runs Bob's and Carol's clients,
 * shuts everything down, and exits 0 only when every step went as expected.
 * `--keycloak` runs it against the AS's Keycloak wire shape.
 */
import { createDemoLog, useColour } from './log.js'
import { runPhotoScenario } from './scenario.js'

const mode = process.argv.includes('--keycloak') ? 'keycloak' : 'spec'
const log = createDemoLog(
  (line) => {
    process.stdout.write(`${line}\n`)
  },
  useColour(process.stdout, process.env),
)

log.info('uma-kit photo demo: Alice shares photo.jpg through a UMA authorization server')
log.info("  →/← a request and its answer; RS = Alice's photo server, AS = the authorization server")
const { failures } = await runPhotoScenario({ mode, log })
log.info('')
if (failures.length === 0) {
  log.ok('the demo ran as the UMA specs describe')
} else {
  log.fail(`${failures.length} step(s) went wrong`)
  process.exitCode = 1
}
