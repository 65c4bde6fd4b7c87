/* global fetch, AbortSignal */
// Starts Keycloak in development mode with an in-memory database, on loopback, importing the
// realm files of a directory, and waits until it is ready.
import { join } from 'node:path'
import { clearTimeout, setTimeout } from 'node:timers'
import { groupListeningSockets, groupRssKb } from './proc.js'
import { spawnGroup } from './process-group.js'
import { BUILD_OPTIONS, LOOPBACK_OPTIONS, keycloakEnv } from './server-options.js'
import { REALM_DIR } from './settings.js'

/** Lines of Keycloak's log kept for error messages. */
const TAIL_LINES = 60

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls the management interface's readiness check until it answers UP.
 *
 * @param {number} managementPort
 * @param {() => boolean} gone - whether the server exited meanwhile
 * @param {number} deadline
 * @returns {Promise<boolean>}
 */
async function waitReady(managementPort, gone, deadline) {
  while (Date.now() < deadline && !gone()) {
    try {
      const res = await fetch(`http://127.0.0.1:${managementPort}/health/ready`, {
        signal: AbortSignal.timeout(5_000),
      })
      if (res.ok && /** @type {{ status?: string }} */ (await res.json()).status === 'UP')
        return true
    } catch {
      // not listening yet
    }
    await delay(250)
  }
  return false
}

/**
 * Starts Keycloak.
 *
 * @param {import('./index.js').StartOptions} options
 * @returns {Promise<import('./index.js').KeycloakServer>}
 */
export async function startKeycloak(options) {
  const started = Date.now()
  const importDir = options.importDir ?? REALM_DIR
  const args = [
    join(options.home, 'bin', 'kc.sh'),
    'start-dev',
    ...BUILD_OPTIONS,
    ...LOOPBACK_OPTIONS,
    // 0 lets the server pick free ports, read back from its log below
    `--http-port=${options.port ?? 0}`,
    `--http-management-port=${options.managementPort ?? 0}`,
    '--import-realm',
    '--log-console-color=false',
  ]
  const kc = spawnGroup('bash', args, {
    env: keycloakEnv({
      ...(options.heap === undefined ? {} : { heap: options.heap }),
      // --import-realm reads <home>/data/import; this points it at the repository's realms
      javaOptions: [...(options.javaOptions ?? []), `-Dkeycloak.migration.dir=${importDir}`],
    }),
  })
  /** @type {string[]} */
  const tail = []
  let port = 0
  let managementPort = 0
  let exited = false
  void kc.exited.then(() => (exited = true))
  /** @type {Promise<void>} */
  const listening = new Promise((resolve) => {
    let pending = ''
    const onData = (/** @type {Buffer} */ chunk) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        options.onLog?.(line)
        tail.push(line)
        if (tail.length > TAIL_LINES) tail.shift()
        const http = /Listening on: http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
        const management = /Management interface listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(
          line,
        )
        if (http !== null) port = Number(http[1])
        if (management !== null) managementPort = Number(management[1])
        if (port !== 0 && managementPort !== 0) resolve()
      }
    }
    kc.child.stdout.on('data', onData)
    kc.child.stderr.on('data', onData)
  })
  const deadline = started + (options.readyTimeoutMs ?? 300_000)
  let timer
  const timedOut = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))
  await Promise.race([listening, kc.exited, timedOut])
  clearTimeout(timer)
  const ready =
    port !== 0 && managementPort !== 0 && (await waitReady(managementPort, () => exited, deadline))
  if (!ready) {
    await kc.stop()
    const why = exited ? 'exited' : 'was not ready in time'
    throw new Error(`Keycloak ${why}; the end of its log:\n${tail.slice(-25).join('\n')}`)
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    port,
    managementPort,
    pid: kc.pgid,
    bootMs: Date.now() - started,
    rssKb: () => groupRssKb(kc.pgid),
    listeningSockets: () => groupListeningSockets(kc.pgid),
    logTail: () => [...tail],
    stop: () => kc.stop(),
  }
}
