/**
 * Starts the suite's Keycloak once for every test file, with the photos realm, and stops it by
 * its process group when the run ends, failed tests or not. A small control endpoint on
 * 127.0.0.1 lets the restart test stop and start it again on the same ports.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'
import {
  KEYCLOAK_VERSION,
  checkPrerequisites,
  ensureDistribution,
  startKeycloak,
  type KeycloakServer,
} from '../../scripts/keycloak/index.js'

const say = (line: string) => process.stdout.write(`[keycloak] ${line}\n`)

function describeServer(kc: KeycloakServer, what: string): string {
  const rss = kc.rssKb()
  const sockets = kc.listeningSockets()
  return (
    `${what} in ${(kc.bootMs / 1000).toFixed(1)} s at ${kc.url}` +
    (rss === undefined ? '' : `, RSS ${(rss / 1024).toFixed(0)} MB`) +
    (sockets === undefined ? '' : `, listening on ${sockets.join(' ')}`)
  )
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.UMA_KIT_KEYCLOAK_URL
  if (external !== undefined && external !== '') {
    // a development aid: a Keycloak already running (node scripts/keycloak/cli.js); it cannot
    // be restarted from here, so the restart test fails against it
    say(`using the Keycloak at ${external}`)
    project.provide('keycloak', {
      url: external,
      issuer: `${external}/realms/photos`,
      control: 'http://127.0.0.1:9/unavailable',
    })
    return () => Promise.resolve()
  }
  const { missing } = checkPrerequisites()
  if (missing.length > 0) throw new Error(`the Keycloak suite needs ${missing.join(' and ')}`)
  const home = await ensureDistribution({ log: say })
  let kc = await startKeycloak({ home })
  say(describeServer(kc, `Keycloak ${KEYCLOAK_VERSION} ready`))
  const { port, managementPort } = kc
  let running = true
  // a start in progress when the run ends (a restart test that timed out) is awaited and stopped
  let starting: Promise<unknown> = Promise.resolve()

  // the restart test runs in a worker; the server belongs to this process, so it asks here
  const secret = randomBytes(16).toString('hex')
  const control = createServer((req, res) => {
    const action = req.method === 'POST' ? req.url : undefined
    const done = (status: number, text: string) => res.writeHead(status).end(text)
    if (action === `/${secret}/stop`) {
      running = false
      kc.stop().then(
        () => done(204, ''),
        (err: unknown) => done(500, String(err)),
      )
    } else if (action === `/${secret}/start`) {
      const next = startKeycloak({ home, port, managementPort })
      starting = next.catch(() => undefined)
      next.then(
        (server) => {
          kc = server
          running = true
          say(describeServer(kc, 'Keycloak restarted'))
          done(204, '')
        },
        (err: unknown) => done(500, String(err)),
      )
    } else if (req.method === 'GET' && req.url === `/${secret}/status`) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ running, sockets: running ? kc.listeningSockets() : [] }))
    } else done(404, '')
  })
  const controlPort = await listen(control)
  project.provide('keycloak', {
    url: kc.url,
    issuer: `${kc.url}/realms/photos`,
    control: `http://127.0.0.1:${controlPort}/${secret}`,
  })

  return async () => {
    control.close()
    await starting
    const rss = running ? kc.rssKb() : undefined
    if (rss !== undefined) say(`RSS at the end of the run: ${(rss / 1024).toFixed(0)} MB`)
    await kc.stop()
    say(`Keycloak stopped (process group ${kc.pid})`)
  }
}
