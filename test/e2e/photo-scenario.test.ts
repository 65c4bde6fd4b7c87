/**
 * The photo demo end to end, as `pnpm demo` runs it: two owners, two development ASes, one photo
 * RS and one `umaFetch` for Bob, in both wire shapes; every step checked, the RS's side told,
 * the log ending with files that exist; and a deviation failing the run.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PHOTOS_CONFIG_URL, loadConfig } from '@uma-kit/dev-server'
import {
  DAVE_CONFIG_URL,
  READ_NEXT,
  REPOSITORY_ROOT,
  createDemoLog,
  readNext,
  runDemo,
  runPhotoScenario,
  type DemoOptions,
} from '@uma-kit/example-photos'
import { describe, expect, it } from 'vitest'

/** Runs the demo in-process, without colours. */
async function demo(
  argv: string[] = [],
  configs: Partial<Pick<DemoOptions, 'config' | 'daveConfig'>> = {},
) {
  const lines: string[] = []
  const code = await runDemo({
    argv,
    write: (line) => lines.push(line),
    env: { NO_COLOR: '1' },
    ...configs,
  })
  return { code, lines, text: lines.join('\n') }
}

/** Runs of token characters with a digit and a capital: what a whole token would show. */
function tokenLike(text: string): string[] {
  return (text.match(/[A-Za-z0-9_-]{16,}/g) ?? []).filter(
    (run) => /\d/.test(run) && /[A-Z]/.test(run),
  )
}

describe('the photo demo: two owners, two ASes, one RS, one umaFetch', () => {
  it.each(['spec', 'keycloak'] as const)(
    'runs as the specs describe against the %s wire shape, each photo decided by its AS',
    async (mode) => {
      const { code, lines, text } = await demo(mode === 'keycloak' ? ['--keycloak'] : [])
      expect(lines.filter((line) => line.includes('✘'))).toEqual([])
      expect(code).toBe(0)
      // Alice's photo through Alice's AS, Dave's through Dave's, with one client
      expect(text).toContain('UMA challenge from AS alice, ticket')
      expect(text).toContain('UMA challenge from AS dave, ticket')
      expect(text).toMatch(
        /AS alice\s+RPT issued to bob-app for photo\.jpg \[print view\] \(upgraded\)/,
      )
      expect(text).toMatch(/AS dave\s+RPT issued to bob-app for lake\.jpg \[view\]/)
      expect(text).toContain("alice approved bob-app's request to print photo.jpg")
      expect(text).toContain("lets view on lake.jpg through: AS dave vouched for bob-app's RPT")
      expect(text).toContain("✔ the handler's req.uma.issuer is AS dave's issuer")
      expect(text).toContain('✔ every decision came from the AS protecting its photo')
      expect(text).toContain('Carol is refused (request_denied)')
      // the RS's side: its PAT from each AS at start-up, introspections, cache hits
      for (const as of ['AS alice', 'AS dave']) {
        expect(text).toMatch(new RegExp(`RS +→ ${as} +POST \\S*token +client credentials grant`))
        expect(text).toMatch(new RegExp(`RS +← ${as} +200 +PAT \\S+…, for 3600 s`))
        expect(text).toMatch(
          new RegExp(`RS +→ ${as} +POST \\S*introspect +is RPT eyJ…\\S+ active\\?`),
        )
        expect(text).toContain(`${as} vouched for bob-app's RPT before; from the RS's cache`)
      }
      expect(text).toMatch(/Bob +← RS +200 +authorization_servers: AS alice, AS dave/)
      if (mode === 'spec') {
        expect(text).toContain('need_info, asks for email')
        expect(text).toContain('request_submitted, poll every 1 s')
      } else {
        expect(text).toContain('access_denied, request_submitted')
      }
      // the log is a tutorial: it never shows a whole token, nor a secret
      expect(text).not.toMatch(/eyJ[\w-]{20,}\.[\w-]+\.[\w-]+/)
      expect(tokenLike(text)).toEqual([])
      expect(text).not.toContain('secret')
      // it ends by naming files to read next, each of which exists
      const named = lines.slice(lines.indexOf('Read next:') + 1).map((l) => l.trim().split(' ')[0])
      expect(named).toEqual(expect.arrayContaining(['packages/dev-server/README.md']))
      expect(named.length).toBeGreaterThanOrEqual(5)
      for (const path of named) {
        expect(existsSync(fileURLToPath(new URL(path ?? '', REPOSITORY_ROOT))), path).toBe(true)
      }
    },
  )

  it('fails the run for a file to read that is gone, and lists an optional one only if present', () => {
    const nowhere = new URL('file:///nonexistent-uma-kit-root/')
    const { listed, missing } = readNext(nowhere)
    expect(listed).toEqual([])
    expect(missing).toEqual(READ_NEXT.filter((e) => e.optional !== true).map((e) => e.path))
    const here = readNext()
    expect(here.missing).toEqual([])
    const keycloak = existsSync(fileURLToPath(new URL('docs/keycloak.md', REPOSITORY_ROOT)))
    expect(here.listed.some((e) => e.path === 'docs/keycloak.md')).toBe(keycloak)
  })

  it('fails loudly when a step deviates: here the policies let Carol in', async () => {
    const photos = await loadConfig(PHOTOS_CONFIG_URL)
    const policy = photos.policies['photo.jpg']
    if (policy === undefined) throw new Error('no photo.jpg policy')
    const config = {
      ...photos,
      policies: {
        'photo.jpg': {
          ...policy,
          scopes: { ...policy.scopes, view: { 'bob-app': {}, 'carol-app': {} } },
        },
      },
    }
    const lines: string[] = []
    const { failures } = await runPhotoScenario({
      log: createDemoLog((line) => lines.push(line), false),
      config,
    })
    expect(failures).toEqual(['Carol should have been refused, got 200'])
    expect(lines.join('\n')).toContain('✘ Carol should have been refused, got 200')
  })

  it("exits 1 when Dave's AS does not let Bob in, naming the step", async () => {
    const dave = await loadConfig(DAVE_CONFIG_URL)
    const daveConfig = {
      ...dave,
      policies: { 'lake.jpg': { owner: 'dave', scopes: { view: {} } } },
    }
    const { code, text } = await demo([], { daveConfig })
    expect(code).toBe(1)
    expect(text).toMatch(/5\. Bob views Dave's lake\.jpg[^]*✘ the scenario stopped: request_denied/)
    expect(text).toContain('✘ 1 step(s) went wrong')
  })

  it('runs as `pnpm demo` does: a process that prints the tutorial and exits 0', async () => {
    const cwd = fileURLToPath(new URL('examples/photos/', REPOSITORY_ROOT))
    const child = spawn(
      process.execPath,
      ['--conditions=@uma-kit/source', '--import', 'tsx', 'src/demo.ts'],
      {
        cwd,
        // FORCE_COLOR left out, not emptied: Node warns on stderr when both are set.
        env: { ...withoutForceColor(process.env), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain('✔ the demo ran as the UMA specs describe')
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^ {2}\S+\.(md|ts) /)
  }, 30_000)
})

/** A copy of `env` without FORCE_COLOR, which a CI runner or vitest may have set. */
function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _ignored, ...rest } = env
  return rest
}
