/**
 * The demo as a function: the tutorial from first line to last (the scenario, the verdict, the
 * files to read next), and the exit code, 1 on any deviation or on a file to read that is gone.
 */
import type { AsConfig } from '@uma-kit/dev-server'
import { createDemoLog, useColour } from './log.js'
import type { DemoShape } from './owner-ases.js'
import { readNext } from './read-next.js'
import { runPhotoScenario } from './scenario.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** `['--keycloak']` for Keycloak's wire shape. */
  readonly argv: readonly string[]
  /** Where each line goes. */
  readonly write: (line: string) => void
  /** Whether the output is a terminal, for colours. */
  readonly isTTY?: boolean | undefined
  /** `NO_COLOR`, `FORCE_COLOR`. */
  readonly env: NodeJS.ProcessEnv
  /** Alice's and Dave's configurations, for tests. @default the shipped ones */
  readonly config?: AsConfig | undefined
  readonly daveConfig?: AsConfig | undefined
}

/**
 * Runs the demo.
 *
 * @param options - the arguments, where output goes
 * @returns the exit code: 0 when every step went as the specs say
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const mode: DemoShape = options.argv.includes('--keycloak') ? 'keycloak' : 'spec'
  const log = createDemoLog(options.write, useColour({ isTTY: options.isTTY }, options.env))
  log.info('uma-kit photo demo: two owners, two authorization servers, one photo server')
  log.info(
    '  Alice keeps her policies at her AS (AS alice), Dave at his (AS dave); both own photos on one RS',
  )
  log.info(
    '  →/← a request and its answer (tokens cut to a few characters). Lines of Bob and Carol:',
  )
  log.info(
    '  their clients (createUmaFetch). RS: the photo server (createResourceServer), its calls',
  )
  log.info('  to the ASes and each decision (onDecision). AS alice, AS dave: what that AS did.')
  const { failures } = await runPhotoScenario({
    mode,
    log,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.daveConfig === undefined ? {} : { daveConfig: options.daveConfig }),
  })
  log.info('')
  if (failures.length === 0) log.ok('the demo ran as the UMA specs describe')
  else log.fail(`${failures.length} step(s) went wrong`)
  const { listed, missing } = readNext()
  log.info('')
  log.info('Read next:')
  const width = Math.max(...listed.map((entry) => entry.path.length))
  for (const entry of listed) log.info(`  ${entry.path.padEnd(width)}  ${entry.why}`)
  for (const path of missing) log.fail(`${path} is gone: the list of files to read needs updating`)
  return failures.length === 0 && missing.length === 0 ? 0 : 1
}
