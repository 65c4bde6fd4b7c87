/**
 * The Express apps the server-CPU benchmark compares, each alone in its own app on its own port
 * (so no route is behind another's in the router): a bare route, a no-op middleware (plain and
 * async), `requireUmaScope` on a cache hit, and two references, auth0's express-oauth2-jwt-bearer
 * (RS256 JWT checked against a JWKS served here on 127.0.0.1) and keycloak-connect's policy
 * enforcer (bearer-only with the realm's public key, the permission in the token), both fully
 * offline. Every app answers the same small JSON body.
 */
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import express from 'express'
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer'
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose'
import Keycloak from 'keycloak-connect'
import type * as ResourceServerModule from '@uma-kit/resource-server'
import { BENCH_RPT, BENCH_RPT_2, createBenchResourceServer } from './support.js'

/** The variants, in the order they are reported. */
export const VARIANTS = [
  'bare',
  'sync-noop',
  'async-noop',
  'requireUmaScope',
  'oauth2-jwt-bearer',
  'keycloak',
] as const
/**
 * `requireUmaScope` on a cache hit where each request's token is not the one its connection
 * sent last (two cached RPTs, alternating), as behind a proxy that mixes clients on one
 * connection: the token is hashed on every request. Measured by `rs-cpu-interleaved` only.
 */
export const MIXED = 'requireUmaScope-mixed'
export type Variant = (typeof VARIANTS)[number] | typeof MIXED

/**
 * The variants `rs-cpu-interleaved` measures: those that answer (a cache hit, for the guard)
 * within the call of their request listener.
 */
export const INTERLEAVED = [
  'bare',
  'sync-noop',
  'requireUmaScope',
  MIXED,
] as const satisfies Variant[]

/** One variant listening: its URL, the header to send, and how many requests it served. */
export interface RunningApp {
  readonly url: string
  readonly headers: Record<string, string>
  /** Where requests alternate between header sets, each connection going round them. */
  readonly alternate?: readonly Record<string, string>[]
  served: number
  /** `performance.now()` at the first request since `served` was last read, and at the last. */
  firstAt: number
  lastAt: number
}

const photo: express.RequestHandler = (req, res) => {
  res.json({ id: req.params.id, title: 'photo.jpg' })
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

const portOf = (server: Server) => (server.address() as AddressInfo).port

/**
 * Starts the variants asked for.
 *
 * @param build - another build of the resource server to guard with (an A/B), or the package
 * @param only - the variants to start
 * @param wrap - wraps each variant's request listener (`rs-cpu-interleaved` times it)
 *
 * @returns the apps by variant, the number of introspections, and a function that stops all
 */
export async function startApps(
  build: typeof ResourceServerModule | undefined,
  only: readonly Variant[],
  wrap: (variant: Variant, listener: RequestListener) => RequestListener = (_, l) => l,
): Promise<{
  apps: Record<Variant, RunningApp>
  introspections: () => number
  close: () => Promise<void>
}> {
  const servers: Server[] = []
  const apps = {} as Record<Variant, RunningApp>
  async function add(
    variant: Variant,
    app: express.Express,
    headers: Record<string, string>,
    alternate?: readonly Record<string, string>[],
  ) {
    if (!only.includes(variant)) return
    const server = await listen(createServer(wrap(variant, app)))
    servers.push(server)
    const running: RunningApp = {
      url: `http://127.0.0.1:${portOf(server)}/photos/1`,
      headers,
      ...(alternate === undefined ? {} : { alternate }),
      served: 0,
      firstAt: 0,
      lastAt: 0,
    }
    server.on('request', () => {
      const at = performance.now()
      if (running.firstAt === 0) running.firstAt = at
      running.lastAt = at
      running.served++
    })
    apps[variant] = running
  }

  const bare = express()
  bare.get('/photos/:id', photo)
  await add('bare', bare, { authorization: `Bearer ${BENCH_RPT}` })

  const syncNoop = express()
  // a middleware that only calls next(): what Express charges for one more handler on a route
  syncNoop.get('/photos/:id', (_req, _res, next) => next(), photo)
  await add('sync-noop', syncNoop, { authorization: `Bearer ${BENCH_RPT}` })

  const noop = express()
  // an async function that awaits nothing: what a promise and a resolution cost a middleware
  // eslint-disable-next-line @typescript-eslint/require-await
  noop.get('/photos/:id', async (_req, _res, next) => next(), photo)
  await add('async-noop', noop, { authorization: `Bearer ${BENCH_RPT}` })

  const { rs, introspections } = createBenchResourceServer(build?.createResourceServer)
  const guarded = express()
  guarded.get('/photos/:id', rs.requireUmaScope('view', { resource: 'photo-1' }), photo)
  await add('requireUmaScope', guarded, { authorization: `Bearer ${BENCH_RPT}` })
  // the same guarded app on a port of its own, its connections alternating two cached RPTs
  await add(MIXED, guarded, { authorization: `Bearer ${BENCH_RPT}` }, [
    { authorization: `Bearer ${BENCH_RPT}` },
    { authorization: `Bearer ${BENCH_RPT_2}` },
  ])

  // auth0's: an RS256 JWT access token, its JWKS fetched once from a local server
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }
  const jwks = await listen(
    createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }))
    }),
  )
  servers.push(jwks)
  const issuer = 'https://as.example/'
  const now = Math.floor(Date.now() / 1000)
  const jwt = await new SignJWT({ scope: 'view' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience('photo-rs')
    .setSubject('alice')
    .setIssuedAt(now)
    .setExpirationTime(now + 24 * 3600)
    .sign(privateKey)
  const oauth = express()
  oauth.get(
    '/photos/:id',
    auth({
      issuer,
      audience: 'photo-rs',
      jwksUri: `http://127.0.0.1:${portOf(jwks)}/jwks`,
      tokenSigningAlg: 'RS256',
    }),
    requiredScopes('view'),
    photo,
  )
  await add('oauth2-jwt-bearer', oauth, { authorization: `Bearer ${jwt}` })

  // keycloak-connect: bearer-only, the realm's public key configured, so nothing is fetched;
  // the RPT carries its permission, which the enforcer reads without asking Keycloak
  const realmUrl = 'https://keycloak.example/realms/photos'
  const spki = (await exportSPKI(publicKey)).replace(/-----[A-Z ]+-----|\s/g, '')
  const keycloak = new Keycloak({}, {
    realm: 'photos',
    'auth-server-url': 'https://keycloak.example',
    resource: 'photo-rs',
    'bearer-only': true,
    'realm-public-key': spki,
    'ssl-required': 'external',
    'confidential-port': 0,
  } as unknown as Keycloak.KeycloakConfig)
  const rpt = await new SignJWT({
    typ: 'Bearer',
    azp: 'photo-client',
    authorization: { permissions: [{ rsid: 'photo-1', rsname: 'photo-1', scopes: ['view'] }] },
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
    .setIssuer(realmUrl)
    .setAudience('photo-rs')
    .setSubject('alice')
    .setIssuedAt(now)
    .setExpirationTime(now + 24 * 3600)
    .sign(privateKey)
  const kc = express()
  kc.use(keycloak.middleware())
  kc.get('/photos/:id', keycloak.enforcer('photo-1:view'), photo)
  await add('keycloak', kc, { authorization: `Bearer ${rpt}` })

  return {
    apps,
    introspections,
    async close() {
      for (const server of servers) {
        server.closeAllConnections()
        server.close()
      }
      await rs.close()
    },
  }
}
