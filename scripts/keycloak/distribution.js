// Fetches the pinned Keycloak distribution with Maven (the zip stays in Maven's local repository,
// ~/.m2), unpacks it into the cache, and primes it: Keycloak's first start in development mode
// rebuilds its Quarkus image (about a minute), which is done once here, before the directory is
// renamed into place, so that a second run reuses a complete distribution and two runs never
// rebuild the same directory at once.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { spawnGroup } from './process-group.js'
import { BUILD_OPTIONS, LOOPBACK_OPTIONS, keycloakEnv } from './server-options.js'
import { DEPENDENCY_PLUGIN, KEYCLOAK_VERSION, cacheRoot } from './settings.js'

/**
 * @typedef {(line: string) => void} Log
 */

/**
 * Runs Maven's dependency:unpack for the distribution, showing its progress every 10 %.
 *
 * @param {string} version
 * @param {string} into
 * @param {Log} log
 * @returns {Promise<void>}
 */
async function unpackWithMaven(version, into, log) {
  const artifact = `org.keycloak:keycloak-quarkus-dist:${version}:zip`
  // not batch mode: Maven then reports transfer progress, which is shown here in steps
  const maven = spawnGroup(
    'mvn',
    [
      '-Dstyle.color=never',
      `${DEPENDENCY_PLUGIN}:unpack`,
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${into}`,
      // without a POM, the plugin would write its markers to ./${project.basedir}/target
      `-DmarkersDirectory=${join(into, '.markers')}`,
    ],
    { cwd: into, env: { ...process.env, MAVEN_OPTS: process.env.MAVEN_OPTS ?? '-Xmx256m' } },
  )
  /** @type {string[]} */
  const tail = []
  let shownStep = -1
  let fetched = 0
  let pending = ''
  const onData = (/** @type {Buffer} */ chunk) => {
    pending += chunk.toString('utf8')
    const lines = pending.split(/[\r\n]/)
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const progress = /Progress \(\d+\): ([\d.]+)\/([\d.]+) MB/.exec(line)
      if (progress !== null) {
        const [done, total] = [Number(progress[1]), Number(progress[2])]
        // the distribution is the one large file; plugins' jars are a few MB at most
        const step = Math.floor((done / total) * 10)
        if (total >= 50 && step > shownStep) {
          shownStep = step
          log(`  ${progress[1]} of ${progress[2]} MB`)
        }
        continue
      }
      if (line.startsWith('Downloaded from')) fetched++
      if (/keycloak-quarkus-dist/.test(line) && /^Download(ing|ed) from/.test(line))
        log(`  ${line.replace(/^(Download\w+) from \S+ /, '$1 ')}`)
      if (/^\[(ERROR|WARNING)\]/.test(line)) log(`  ${line}`)
      if (line.trim() !== '') tail.push(line)
      if (tail.length > 40) tail.shift()
    }
  }
  maven.child.stdout.on('data', onData)
  maven.child.stderr.on('data', onData)
  const code = await maven.exited
  if (code !== 0) {
    throw new Error(
      `mvn could not fetch ${artifact} (exit ${String(code)}):\n${tail.slice(-15).join('\n')}`,
    )
  }
  if (fetched > 0) log(`  Maven downloaded ${fetched} files (its plugins and the distribution)`)
}

/**
 * Runs the distribution's first development-mode start until Keycloak has rebuilt and persisted
 * its image (it then restarts itself to serve), and stops it there.
 *
 * @param {string} home
 * @param {Log} log
 * @returns {Promise<void>}
 */
async function prime(home, log) {
  const kc = spawnGroup(
    'bash',
    [
      join(home, 'bin', 'kc.sh'),
      'start-dev',
      ...BUILD_OPTIONS,
      ...LOOPBACK_OPTIONS,
      '--http-port=0',
      '--http-management-port=0',
    ],
    { env: keycloakEnv({}) },
  )
  /** @type {string[]} */
  const tail = []
  let built = false
  const done = new Promise((resolve) => {
    const onData = (/** @type {Buffer} */ chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') tail.push(line)
        if (tail.length > 40) tail.shift()
        // printed by the restarted server, once the new image is on disk
        if (line.includes('Running the server in development mode')) {
          built = true
          resolve(undefined)
        }
      }
    }
    kc.child.stdout.on('data', onData)
    kc.child.stderr.on('data', onData)
  })
  await Promise.race([done, kc.exited])
  await kc.stop()
  if (!built) throw new Error(`Keycloak's first build failed:\n${tail.slice(-15).join('\n')}`)
  log('  Keycloak rebuilt for development mode')
}

/**
 * The unpacked, primed distribution, fetched and prepared when the cache has none.
 *
 * @param {{ version?: string, log?: Log }} [options]
 * @returns {Promise<string>} the Keycloak home directory
 */
export async function ensureDistribution(options = {}) {
  const version = options.version ?? KEYCLOAK_VERSION
  const log = options.log ?? (() => undefined)
  const root = cacheRoot()
  const home = join(root, `keycloak-${version}`)
  if (existsSync(join(home, 'bin', 'kc.sh'))) return home
  mkdirSync(root, { recursive: true })
  const work = join(root, `.keycloak-${version}-${process.pid}`)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work)
  const started = Date.now()
  log(`Keycloak ${version} is not in ${root} yet: fetching it with Maven (about 180 MB, once)`)
  try {
    await unpackWithMaven(version, work, log)
    const unpacked = join(work, `keycloak-${version}`)
    await prime(unpacked, log)
    // another run may have finished first: keep its copy
    if (!existsSync(home)) renameSync(unpacked, home)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  log(`Keycloak ${version} ready in ${home} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return home
}
