/**
 * Several resource servers and authorization servers in msw, for what crosses origins: each RS
 * challenges with a ticket named after itself and accepts only the RPTs granted for its own
 * tickets, so an RPT that reaches the wrong origin shows.
 */
import { http, HttpResponse, type HttpHandler } from 'msw'

export const AS1 = 'https://as1.example'
export const AS2 = 'https://as2.example'

/** What one RS saw: the Authorization of each request, by path. */
export interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | null
  readonly body: string
}

export interface Origins {
  /** Requests each origin received, in order. */
  readonly seen: Map<string, Seen[]>
  /** Grant requests each AS received, as forms. */
  readonly grants: Map<string, URLSearchParams[]>
  /** The AS each RS path is protected by; `*` for the rest of the origin. */
  readonly protectedBy: Map<string, string>
  /** Extra routes answered before the challenge (redirects, open pages). */
  readonly routes: Map<string, (request: Request) => Response>
  /** Parameters added to an origin's challenges (`resource_metadata="…"`). */
  readonly challengeParams: Map<string, string>
  reset(): void
  handlers(): HttpHandler[]
  authorizations(origin: string): (string | null)[]
}

/**
 * Creates the world: resource servers at the given origins, ASes `AS1` and `AS2`.
 *
 * @param rsOrigins - the resource servers' origins
 */
export function createOrigins(rsOrigins: readonly string[]): Origins {
  const seen = new Map<string, Seen[]>()
  const grants = new Map<string, URLSearchParams[]>()
  const protectedBy = new Map<string, string>()
  const routes = new Map<string, (request: Request) => Response>()
  const challengeParams = new Map<string, string>()
  let tickets = 0

  const asHandlers = (as: string) => [
    http.get(`${as}/.well-known/uma2-configuration`, () =>
      HttpResponse.json({ issuer: as, token_endpoint: `${as}/token` }),
    ),
    http.post(`${as}/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      grants.get(as)?.push(form)
      const ticket = form.get('ticket') ?? ''
      // an RPT is only good at the origin and AS whose ticket it was granted for
      if (!ticket.startsWith(`${as}|`))
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
      return HttpResponse.json({ access_token: `rpt|${ticket}`, token_type: 'Bearer' })
    }),
  ]

  const rsHandler = (origin: string) =>
    http.all(`${origin}/*`, async ({ request }) => {
      const url = new URL(request.url)
      const authorization = request.headers.get('authorization')
      seen.get(origin)?.push({
        method: request.method,
        path: url.pathname,
        authorization,
        body: await request.text(),
      })
      const route = routes.get(`${origin}${url.pathname}`)
      if (route !== undefined) return route(request)
      const as = protectedBy.get(`${origin}${url.pathname}`) ?? protectedBy.get(`${origin}*`) ?? AS1
      const rpt = authorization?.replace(/^Bearer /, '')
      if (rpt?.startsWith(`rpt|${as}|${origin}|`) === true) {
        return HttpResponse.text(`${request.method} ${url.pathname} at ${origin}`)
      }
      tickets++
      const extra = challengeParams.get(origin)
      return new HttpResponse(null, {
        status: 401,
        headers: {
          'www-authenticate': `UMA as_uri="${as}", ticket="${as}|${origin}|${tickets}"${extra === undefined ? '' : `, ${extra}`}`,
        },
      })
    })

  return {
    seen,
    grants,
    protectedBy,
    routes,
    challengeParams,
    reset() {
      for (const origin of rsOrigins) seen.set(origin, [])
      for (const as of [AS1, AS2]) grants.set(as, [])
      protectedBy.clear()
      routes.clear()
      challengeParams.clear()
      tickets = 0
    },
    handlers: () => [...asHandlers(AS1), ...asHandlers(AS2), ...rsOrigins.map(rsHandler)],
    authorizations: (origin) => (seen.get(origin) ?? []).map((s) => s.authorization),
  }
}

/** A redirect answer. */
export const redirect = (status: number, location: string) => () =>
  new HttpResponse(null, { status, headers: { location } })
