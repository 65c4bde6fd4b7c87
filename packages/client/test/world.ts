/**
 * A resource server and an authorization server in msw, for unit tests of every grant outcome.
 * The RS answers 401 + a UMA challenge unless the request carries an RPT it knows; the token
 * endpoint's answer is scripted per test.
 */
import { http, HttpResponse, type JsonBodyType } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

export const AS = 'https://as.example'
export const RS = 'https://rs.example'
export const SECRET = 'client-secret-value-that-must-not-leak'

export interface TokenCall {
  form: URLSearchParams
  authorization: string | null
}

export type TokenAnswer = (call: TokenCall, n: number) => Response | Promise<Response>

export interface World {
  readonly server: ReturnType<typeof setupServer>
  /** RPTs the RS accepts. */
  readonly accepted: Set<string>
  readonly tokenCalls: TokenCall[]
  /** Requests the RS received, with their Authorization. */
  readonly rsCalls: (string | null)[]
  discoveryCalls: number
  ticketCount: number
  /** The token endpoint's script. */
  token: TokenAnswer
  /** The RS's answer to a request without an accepted RPT. */
  challenge: (ticket: string) => Response
}

export const json = (status: number, body: JsonBodyType, headers: Record<string, string> = {}) =>
  HttpResponse.json(body, { status, headers })

/** A granted RPT, spec style. */
export const grant = (rpt: string, extra: Record<string, JsonBodyType> = {}) =>
  json(200, { access_token: rpt, token_type: 'Bearer', expires_in: 300, ...extra })

/** The token endpoint before a test scripts it. */
const unscripted: TokenAnswer = () => json(500, { error: 'unscripted' })

/** The RS's challenge: 401 naming the AS and the ticket. */
const defaultChallenge = (ticket: string): Response =>
  new HttpResponse(null, {
    status: 401,
    headers: { 'www-authenticate': `UMA realm="photos", as_uri="${AS}", ticket="${ticket}"` },
  })

/** Puts a world back as {@link createWorld} made it: nothing accepted, counted or scripted. */
export function resetWorld(world: World): void {
  world.accepted.clear()
  world.tokenCalls.length = 0
  world.rsCalls.length = 0
  world.discoveryCalls = 0
  world.ticketCount = 0
  world.token = unscripted
  world.challenge = defaultChallenge
}

/**
 * A world for one test file: msw listens for the file (unhandled requests are errors), the world
 * is reset before each test and the handlers a test added are dropped after it.
 *
 * @returns the world
 */
export function useWorld(): World {
  const world = createWorld()
  beforeAll(() => world.server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => world.server.close())
  beforeEach(() => resetWorld(world))
  afterEach(() => world.server.resetHandlers())
  return world
}

export function createWorld(
  metadata: Record<string, string> = {
    issuer: AS,
    token_endpoint: `${AS}/token`,
    claims_interaction_endpoint: `${AS}/claims`,
  },
): World {
  const world: Omit<World, 'server'> & { server?: World['server'] } = {
    accepted: new Set(),
    tokenCalls: [],
    rsCalls: [],
    discoveryCalls: 0,
    ticketCount: 0,
    token: unscripted,
    challenge: defaultChallenge,
  }
  const rsHandler = ({ request }: { request: Request }) => {
    const authorization = request.headers.get('authorization')
    world.rsCalls.push(authorization)
    const rpt = authorization?.replace(/^Bearer /, '')
    if (rpt !== undefined && world.accepted.has(rpt)) {
      return HttpResponse.text(`photo for ${new URL(request.url).pathname}`)
    }
    world.ticketCount++
    return world.challenge(`ticket-${world.ticketCount}`)
  }
  const server = setupServer(
    http.get(`${AS}/.well-known/uma2-configuration`, () => {
      world.discoveryCalls++
      return HttpResponse.json(metadata)
    }),
    http.post(`${AS}/token`, async ({ request }) => {
      const call = {
        form: new URLSearchParams(await request.text()),
        authorization: request.headers.get('authorization'),
      }
      world.tokenCalls.push(call)
      return world.token(call, world.tokenCalls.length)
    }),
    http.all(`${RS}/*`, rsHandler),
    http.all('https://rs2.example/*', rsHandler),
  )
  world.server = server
  return world as World
}
