/**
 * An authorization server as msw handlers, in the spec's shape or Keycloak's (wire.md §3, §6.1).
 * It counts every call and checks what a real server would check (PAT, client credentials,
 * arrays on the permission endpoint), so tests can assert on both answers and traffic.
 */
import { HttpResponse, http, type HttpHandler } from 'msw'
import keycloakDiscovery from '../fixtures/keycloak-uma2-configuration.json' with { type: 'json' }

export type Shape = 'spec' | 'keycloak'

/** What the fake AS knows of an RPT. */
export interface FakeRpt {
  active: boolean
  exp?: number
  /** resource id → scopes */
  grants?: Record<string, string[]>
  /** Extra members of the introspection answer. */
  extra?: Record<string, unknown>
}

export interface FakeAs {
  readonly shape: Shape
  readonly issuer: string
  readonly endpoints: {
    token: string
    introspection: string
    permission: string
    registration: string
    jwks: string
  }
  readonly handlers: HttpHandler[]
  readonly calls: { discovery: number; pat: number; ticket: number; introspection: number }
  /** Bodies the permission endpoint received. */
  readonly ticketRequests: unknown[]
  /** Tokens known to introspection. */
  readonly rpts: Map<string, FakeRpt>
  /** Resource ids the permission endpoint accepts. */
  readonly resources: Set<string>
  /** PATs currently valid. */
  readonly pats: Set<string>
  /** Introspection requests' token_type_hint values, in order. */
  readonly hints: (string | null)[]
}

export const CLIENT_ID = 'photo-rs'
export const CLIENT_SECRET = 'rs-secret'

/** Checks client_secret_basic as RFC 6749 §2.3.1 has it: each part form-urlencoded. */
function hasClientCredentials(request: Request): boolean {
  const header = request.headers.get('authorization') ?? ''
  if (!header.startsWith('Basic ')) return false
  const [id = '', secret = ''] = Buffer.from(header.slice(6), 'base64').toString().split(':')
  return decodeURIComponent(id) === CLIENT_ID && decodeURIComponent(secret) === CLIENT_SECRET
}

function introspectionBody(shape: Shape, rpt: FakeRpt): Record<string, unknown> {
  if (!rpt.active) return { active: false }
  const grants = Object.entries(rpt.grants ?? {})
  const permissions =
    shape === 'spec'
      ? {
          permissions: grants.map(([id, scopes]) => ({ resource_id: id, resource_scopes: scopes })),
        }
      : {
          authorization: {
            permissions: grants.map(([id, scopes]) => ({
              rsid: id,
              rsname: `name of ${id}`,
              scopes,
            })),
          },
          client_id: 'bob-app',
          username: 'bob',
        }
  return {
    active: true,
    ...(rpt.exp === undefined ? {} : { exp: rpt.exp }),
    ...permissions,
    ...rpt.extra,
  }
}

/**
 * Creates a fake AS.
 *
 * @param shape - spec or Keycloak wire shapes
 * @returns the AS, its handlers and its counters
 */
export function createFakeAs(shape: Shape): FakeAs {
  const issuer = shape === 'spec' ? 'https://as.example' : 'https://kc.example/realms/photoz'
  const endpoints =
    shape === 'spec'
      ? {
          token: `${issuer}/token`,
          introspection: `${issuer}/introspect`,
          permission: `${issuer}/perm`,
          registration: `${issuer}/rreg`,
          jwks: `${issuer}/jwks`,
        }
      : {
          token: keycloakDiscovery.token_endpoint,
          introspection: keycloakDiscovery.introspection_endpoint,
          permission: keycloakDiscovery.permission_endpoint,
          registration: keycloakDiscovery.resource_registration_endpoint,
          jwks: keycloakDiscovery.jwks_uri,
        }
  const discovery =
    shape === 'spec'
      ? {
          issuer,
          token_endpoint: endpoints.token,
          introspection_endpoint: endpoints.introspection,
          permission_endpoint: endpoints.permission,
          resource_registration_endpoint: endpoints.registration,
          jwks_uri: endpoints.jwks,
        }
      : keycloakDiscovery
  const as: FakeAs = {
    shape,
    issuer,
    endpoints,
    handlers: [],
    calls: { discovery: 0, pat: 0, ticket: 0, introspection: 0 },
    ticketRequests: [],
    rpts: new Map(),
    resources: new Set(['photo-1', 'photo-2']),
    pats: new Set(),
    hints: [],
  }
  const bearerOk = (request: Request) => {
    const auth = request.headers.get('authorization') ?? ''
    return auth.startsWith('Bearer ') && as.pats.has(auth.slice(7))
  }
  as.handlers.push(
    http.get(`${issuer}/.well-known/uma2-configuration`, () => {
      as.calls.discovery += 1
      return HttpResponse.json(discovery)
    }),
    http.post(endpoints.token, async ({ request }) => {
      as.calls.pat += 1
      const form = new URLSearchParams(await request.text())
      if (!hasClientCredentials(request)) {
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
      }
      if (form.get('grant_type') !== 'client_credentials') {
        return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 })
      }
      const pat = `pat-${as.calls.pat}`
      as.pats.add(pat)
      return HttpResponse.json({ access_token: pat, token_type: 'Bearer', expires_in: 300 })
    }),
    http.post(endpoints.permission, async ({ request }) => {
      as.calls.ticket += 1
      if (!bearerOk(request)) {
        return HttpResponse.json({ error: 'invalid_token' }, { status: 401 })
      }
      const body: unknown = await request.json()
      as.ticketRequests.push(body)
      // the spec takes one object or an array; Keycloak only an array (wire.md §3.3)
      if (!Array.isArray(body) && shape === 'keycloak') {
        return HttpResponse.json({ error: 'invalid_request' }, { status: 400 })
      }
      for (const entry of (Array.isArray(body) ? body : [body]) as { resource_id?: string }[]) {
        if (!as.resources.has(entry.resource_id ?? '')) {
          return HttpResponse.json({ error: 'invalid_resource_id' }, { status: 400 })
        }
      }
      return HttpResponse.json({ ticket: `ticket-${as.calls.ticket}` }, { status: 201 })
    }),
    http.post(endpoints.introspection, async ({ request }) => {
      as.calls.introspection += 1
      const form = new URLSearchParams(await request.text())
      const hint = form.get('token_type_hint')
      as.hints.push(hint)
      const authorized = hasClientCredentials(request) || (shape === 'spec' && bearerOk(request))
      if (!authorized) return HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
      // Keycloak refuses hints it does not know (wire.md §6.1)
      if (
        shape === 'keycloak' &&
        hint !== null &&
        !['access_token', 'requesting_party_token'].includes(hint)
      ) {
        return HttpResponse.json({ error: 'invalid_request' }, { status: 400 })
      }
      const rpt = as.rpts.get(form.get('token') ?? '') ?? { active: false }
      return HttpResponse.json(introspectionBody(shape, rpt))
    }),
  )
  return as
}
