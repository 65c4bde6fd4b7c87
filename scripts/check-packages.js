// Checks what each published package will look like: publint (strict) on the package and
// @arethetypeswrong/cli on the tarball pnpm packs (workspace: and catalog: versions rewritten).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

const packages = ['core', 'resource-server', 'client', 'dev-server']
const bin = (name) => join(import.meta.dirname, '..', 'node_modules', '.bin', name)
// pnpm runs this script; call the same pnpm back, whether or not one is on PATH
const pnpm = (args, cwd) =>
  process.env.npm_execpath
    ? execFileSync(process.execPath, [process.env.npm_execpath, ...args], { cwd, stdio: 'ignore' })
    : execFileSync('pnpm', args, { cwd, stdio: 'ignore' })
const out = mkdtempSync(join(tmpdir(), 'uma-kit-pack-'))
let failed = false

try {
  for (const name of packages) {
    const dir = join(import.meta.dirname, '..', 'packages', name)
    process.stdout.write(`\n== @uma-kit/${name}\n`)
    try {
      execFileSync(bin('publint'), ['run', dir, '--strict'], { stdio: 'inherit' })
      const dest = join(out, name)
      pnpm(['pack', '--pack-destination', dest], dir)
      const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz'))
      if (tarball === undefined) throw new Error('pnpm pack wrote no tarball')
      execFileSync(
        bin('attw'),
        [join(dest, tarball), '--profile', 'esm-only', '--format', 'table-flipped'],
        {
          stdio: 'inherit',
        },
      )
    } catch {
      failed = true
      process.stdout.write(`@uma-kit/${name}: package check failed\n`)
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
