#!/usr/bin/env node
// `pnpm test:keycloak`: the Keycloak suite (test/keycloak). Without Java or Maven it is skipped
// with one line, except under CI=true, where that is a failure; vitest's own arguments pass on.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import process from 'node:process'
import { checkPrerequisites } from './prerequisites.js'

const root = join(import.meta.dirname, '..', '..')
const ci = process.env.CI === 'true' || process.env.CI === '1'
const { missing } = checkPrerequisites()
if (missing.length > 0) {
  process.stdout.write(
    `Keycloak suite ${ci ? 'cannot run' : 'skipped'}: it needs ${missing.join(' and ')}\n`,
  )
  process.exit(ci ? 1 : 0)
}

const started = Date.now()
const vitest = spawn(
  process.execPath,
  [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--config',
    join(root, 'test', 'keycloak', 'vitest.config.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', cwd: root },
)
// Ctrl-C reaches vitest too (same terminal group): let it tear Keycloak down and exit
process.on('SIGINT', () => undefined)
vitest.on('exit', (code, signal) => {
  process.stdout.write(
    `Keycloak suite wall time: ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  )
  process.exit(code ?? (signal === null ? 1 : 128))
})
