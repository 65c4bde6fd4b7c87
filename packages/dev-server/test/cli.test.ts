/**
 * `uma-dev-server` as a user runs it: a child process on port 0, its issuer read from its first
 * line, its discovery document fetched, then stopped by PID with SIGTERM or SIGINT. The sources
 * run through tsx here; the packaging test runs the built bin from an installed tarball.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCliArgs } from '../src/cli-args.js'

const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts')
const TSX = createRequire(import.meta.url).resolve('tsx')
const children: ChildProcess[] = []

afterEach(() => {
  // a failed test must not leave a server behind
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
  }
})

interface Run {
  child: ChildProcess
  lines: string[]
  /** Resolves with the first line printed. */
  firstLine: Promise<string>
  exit: Promise<{ code: number | null; stderr: string }>
}

function run(args: string[], cwd = import.meta.dirname): Run {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd })
  children.push(child)
  const lines: string[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const firstLine = new Promise<string>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout })
    reader.on('line', (line) => {
      lines.push(line)
      if (lines.length === 1) resolve(line)
    })
    child.once('exit', () => reject(new Error(`exited before printing: ${stderr}`)))
  })
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stderr }))
  })
  firstLine.catch(() => undefined)
  return { child, lines, firstLine, exit }
}

describe('uma-dev-server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints its issuer first, serves discovery, and exits 0 on %s',
    async (signal) => {
      const cli = run(['--port', '0'])
      const issuer = await cli.firstLine
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const doc = (await (await fetch(`${issuer}/.well-known/uma2-configuration`)).json()) as {
        issuer: string
      }
      expect(doc.issuer).toBe(issuer)
      process.kill(cli.child.pid!, signal)
      expect((await cli.exit).code).toBe(0)
      expect(cli.lines).toContain(`uma-dev-server: ${signal}, stopping`)
      expect(cli.lines.join('\n')).toContain(`discovery: ${issuer}/.well-known/uma2-configuration`)
    },
  )

  it('reads --config from the directory it runs in, and prints a line per event, no tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uma-dev-server-'))
    try {
      writeFileSync(
        join(dir, 'policies.json'),
        JSON.stringify({
          owners: { ann: { password: 'ann-password' } },
          clients: { 'ann-rs': { secret: 'ann-rs-secret', resourceServerFor: 'ann' } },
          policies: {},
        }),
      )
      const cli = run(['--config', 'policies.json', '--keycloak', '--realm', 'dev'], dir)
      const issuer = await cli.firstLine
      expect(issuer).toMatch(/\/realms\/dev$/)
      const token = await fetch(`${issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('ann-rs:ann-rs-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      })
      const pat = ((await token.json()) as { access_token: string }).access_token
      await expect.poll(() => cli.lines.at(-1)).toBe('[as] PAT issued to resource server ann-rs')
      expect(cli.lines.join('\n')).not.toContain(pat)
      process.kill(cli.child.pid!, 'SIGTERM')
      expect((await cli.exit).code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lists the endpoints to configure by hand in the WSO2 shape', async () => {
    const cli = run(['--wso2'])
    const issuer = await cli.firstLine
    expect(issuer).toMatch(/\/oauth2\/token$/)
    await expect.poll(() => cli.lines.length).toBeGreaterThan(6)
    expect(cli.lines.join('\n')).toContain('no discovery document in this shape')
    expect(cli.lines).toContain(`  token_endpoint: ${issuer}`)
    process.kill(cli.child.pid!, 'SIGTERM')
    await cli.exit
  })

  it('exits 1 with the reason for a missing config file, 2 for a bad option, 0 for --help', async () => {
    const runs = [['--config', 'no-such-file.json'], ['--colour'], ['--help']].map((args) =>
      run(args),
    )
    const [failed, bad, help] = await Promise.all(runs.map((r) => r.exit))
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toMatch(/^uma-dev-server: ENOENT/)
    expect([bad?.code, bad?.stderr]).toEqual([2, expect.stringContaining('Usage: uma-dev-server')])
    expect([help?.code, runs[2]?.lines[0]]).toEqual([0, 'Usage: uma-dev-server [options]'])
  })
})

describe('parseCliArgs', () => {
  it.each([
    [[], { kind: 'run', shape: 'spec', port: 0, host: '127.0.0.1' }],
    [
      ['--cas', '-p', '8180', '--host', '::1'],
      { kind: 'run', shape: 'cas', port: 8180, host: '::1' },
    ],
    [['--', '--wso2'], { kind: 'run', shape: 'wso2' }],
    [['-h'], { kind: 'help' }],
    [['--cas', '--wso2'], { kind: 'error', message: 'choose one of --keycloak, --cas, --wso2' }],
    [['--port', '70000'], { kind: 'error' }],
    [['--port', '-1'], { kind: 'error' }],
    [['--port', 'x'], { kind: 'error' }],
    [['--realm', 'r'], { kind: 'error', message: '--realm goes with --keycloak' }],
    [['extra'], { kind: 'error' }],
  ])('reads %j', (argv, expected) => {
    expect(parseCliArgs(argv)).toMatchObject(expected)
  })
})
