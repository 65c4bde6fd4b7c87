/**
 * Packs each published package as pnpm would publish it, installs the tarballs with npm into an
 * empty directory, and imports them by name there: what a user gets from the registry.
 * Needs the workspace build (`pnpm build`), as `pnpm check` runs it first.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const PACKAGES = ['core', 'resource-server', 'client', 'dev-server'] as const
/** Every package publishes its runtime dependencies as ranges (the lockfile keeps exact pins). */
const RANGED = PACKAGES
const work = mkdtempSync(join(tmpdir(), 'uma-kit-packaging-'))
const tarballs = new Map<string, string>()

/** The pnpm the workspace pins, whoever runs the test: `pnpm check`, or vitest under another Node. */
const PNPM_VERSION = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string }
).packageManager.replace(/^pnpm@/, '')

function pnpm(args: string[], cwd: string): void {
  const execPath = process.env.npm_execpath
  if (execPath?.includes('pnpm') === true) {
    execFileSync(process.execPath, [execPath, ...args], { cwd, stdio: 'ignore' })
  } else {
    // no pnpm on PATH is assumed (a fresh machine, `npx -y node@22 … vitest run`): npx brings it
    execFileSync('npx', ['-y', `pnpm@${PNPM_VERSION}`, ...args], { cwd, stdio: 'ignore' })
  }
}

function manifest(name: string): {
  exports: Record<string, Record<string, string> | string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
} {
  return JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as never
}

beforeAll(() => {
  for (const name of PACKAGES) {
    const dest = join(work, 'tarballs', name)
    pnpm(['pack', '--pack-destination', dest], join(root, 'packages', name))
    const file = readdirSync(dest).find((f) => f.endsWith('.tgz'))
    if (file === undefined) throw new Error(`no tarball for ${name}`)
    tarballs.set(name, join(dest, file))
  }
  const app = join(work, 'app')
  execFileSync('mkdir', ['-p', app])
  const local = Object.fromEntries(
    PACKAGES.map((n) => [`@uma-kit/${n}`, `file:${tarballs.get(n)}`]),
  )
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      dependencies: { ...local, express: manifest('resource-server').peerDependencies?.express },
      // what a TypeScript user adds to type-check an app against the published .d.ts
      devDependencies: { '@types/node': '^20.19.0', '@types/express': '^5.0.0' },
      overrides: { '@uma-kit/core': local['@uma-kit/core'] },
    }),
  )
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: app,
    stdio: 'inherit',
  })
}, 180_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

function runInApp(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: join(work, 'app'),
    encoding: 'utf8',
  })
}

/** An app as a TypeScript user writes it, type-checked with `strict` and `nodenext`. */
const TYPED_APP = `
import { createUmaFetch, isUmaError } from '@uma-kit/client'
import { parseUmaChallenge, type UmaServerMetadata } from '@uma-kit/core'
import { startTestServer } from '@uma-kit/dev-server/testing'
import { createResourceServer, umaContext, type ResourceServer } from '@uma-kit/resource-server'
import express from 'express'

const trusted = ['https://as.example'] as const
const umaFetch = createUmaFetch({
  trustedIssuers: trusted,
  clientId: 'app',
  claims: () => undefined,
  requestingPartyToken: () => 'token',
})
const rs: ResourceServer = createResourceServer({
  issuer: new URL('https://as.example'),
  clientId: 'rs',
  clientSecret: 'secret',
})
const app = express()
app.get('/photos/:id', rs.requireUmaScope('view', { resource: (req) => String(req.params.id) }), (req, res) => {
  const { resourceId, scopes, permissions, issuer } = umaContext(req)
  res.json({ resourceId, scopes, count: permissions.length, issuer })
})
const metadata: UmaServerMetadata | undefined = undefined
const as = await startTestServer({ resources: [{ name: 'doc', resource_scopes: ['read'] }] })
const challenge = parseUmaChallenge((await umaFetch(as.issuer)).headers.get('www-authenticate'))
if (isUmaError(challenge)) console.log(challenge.code, metadata)
await as.close()
`

describe('published packages', () => {
  it('type-checks an app against the published .d.ts, strict with nodenext', () => {
    const app = join(work, 'app')
    writeFileSync(join(app, 'app.ts'), TYPED_APP)
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: app,
      encoding: 'utf8',
    })
    // the compiler's own report, when it fails, says what a user would see
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  }, 120_000)

  it.each(PACKAGES)('@uma-kit/%s ships dist with .d.ts and no tests', (name) => {
    const listing = execFileSync('tar', ['-tzf', tarballs.get(name)!], { encoding: 'utf8' })
    expect(listing).toContain('package/dist/index.js')
    expect(listing).toContain('package/dist/index.d.ts')
    expect(listing).toContain('package/README.md')
    expect(listing).not.toMatch(/\.test\.(ts|js)/)
    expect(listing).not.toMatch(/tsbuildinfo/)
  })

  it.each(PACKAGES)(
    '@uma-kit/%s points users only at what they have: no relative README links, no team documents',
    (name) => {
      const readme = execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/README.md'], {
        encoding: 'utf8',
      })
      // a relative link breaks on the registry's page
      expect(readme).not.toMatch(/\]\((?!https?:|#)/)
      const shipped = execFileSync(
        'tar',
        ['-xzOf', tarballs.get(name)!, '--wildcards', 'package/*'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      )
      expect(shipped).not.toMatch(/\b(api|wire|style)\.md\b/)
      expect(shipped).not.toContain('integration.test')
    },
  )

  it.each(PACKAGES)('@uma-kit/%s pins real versions instead of workspace: or catalog:', (name) => {
    const packed = execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], {
      encoding: 'utf8',
    })
    expect(packed).not.toMatch(/workspace:|catalog:/)
  })

  it('imports @uma-kit/core by name and runs it', () => {
    const out = runInApp(`
      import { parseUmaChallenge, formatUmaChallenge, UmaError, isUmaError, UMA_TICKET_GRANT } from '@uma-kit/core'
      const header = formatUmaChallenge({ realm: 'r', asUri: 'https://as.example', ticket: 't1' })
      const parsed = parseUmaChallenge(header)
      console.log(JSON.stringify({ parsed, grant: UMA_TICKET_GRANT, isErr: isUmaError(new UmaError('as_error', 'x')) }))
    `)
    expect(JSON.parse(out)).toEqual({
      parsed: { realm: 'r', asUri: 'https://as.example', ticket: 't1' },
      grant: 'urn:ietf:params:oauth:grant-type:uma-ticket',
      isErr: true,
    })
  })

  it.each(PACKAGES)("resolves every export of @uma-kit/%s's exports['.'] by name", (name) => {
    const entry = manifest(name).exports['.'] as Record<string, string>
    for (const condition of ['types', 'import', 'default']) {
      expect(existsSync(join(root, 'packages', name, entry[condition]!))).toBe(true)
    }
    const out = runInApp(`
      const mod = await import('@uma-kit/${name}')
      console.log(JSON.stringify(Object.keys(mod).sort()))
    `)
    expect((JSON.parse(out) as string[]).length).toBeGreaterThan(0)
  })
})

describe('@uma-kit/dev-server as published', () => {
  it.each(RANGED)('@uma-kit/%s publishes its runtime dependencies as caret ranges', (name) => {
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], {
        encoding: 'utf8',
      }),
    ) as { dependencies?: Record<string, string>; devDependencies?: unknown }
    const ranges = Object.values(packed.dependencies ?? {})
    expect(ranges.length).toBeGreaterThan(0)
    for (const range of ranges) expect(range).toMatch(/^\^\d+\.\d+\.\d+$/)
    // compiled: nothing of tsx at run time
    expect(Object.keys(packed.dependencies ?? {})).not.toContain('tsx')
  })

  it('runs `npx uma-dev-server --port 0` from the installed tarball, serving discovery', async () => {
    // its own process group, so that stopping npx stops the server it started
    const child = spawn('npx', ['--no-install', 'uma-dev-server', '--port', '0'], {
      cwd: join(work, 'app'),
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const stop = (signal: NodeJS.Signals) => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal)
    }
    try {
      const issuer = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`uma-dev-server exited with ${code}`)))
      })
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const res = await fetch(`${issuer}/.well-known/uma2-configuration`)
      expect(((await res.json()) as { issuer: string }).issuer).toBe(issuer)
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? String(code))),
      )
      stop('SIGTERM')
      // npm re-raises the signal on itself; the server's own clean exit is tested in its package
      expect(['0', 'SIGTERM']).toContain(await exited)
      const up = () =>
        fetch(issuer).then(
          () => 'up',
          () => 'down',
        )
      await expect.poll(up).toBe('down')
    } finally {
      stop('SIGKILL')
    }
  })

  it('imports @uma-kit/dev-server/testing by name and mints an RPT that introspection vouches for', () => {
    const out = runInApp(`
      import { startTestServer } from '@uma-kit/dev-server/testing'
      const as = await startTestServer({ resources: [{ name: 'doc', resource_scopes: ['read'] }] })
      const id = as.resourceIds.get('doc')
      const rpt = await as.mintRpt({ permissions: [{ resource_id: id, resource_scopes: ['read'] }] })
      const pat = await fetch(as.metadata.token_endpoint, {
        method: 'POST',
        headers: { authorization: 'Basic ' + btoa('test-rs:test-rs-secret') },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'uma_protection' }),
      }).then((r) => r.json())
      const answer = await fetch(as.metadata.introspection_endpoint, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + pat.access_token },
        body: new URLSearchParams({ token: rpt }),
      }).then((r) => r.json())
      await as.close()
      console.log(JSON.stringify({ active: answer.active, permissions: answer.permissions.length }))
    `)
    expect(JSON.parse(out)).toEqual({ active: true, permissions: 1 })
  })
})
