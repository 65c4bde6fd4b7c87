/**
 * @module RPT introspection (RFC 7662, UMA FedAuthz §5): with the RS's client authentication
 * (oauth4webapi writes it), or with the PAT as a bearer token.
 */
import { UmaError, type RptIntrospection } from '@uma-kit/core'
import { callAs, callOAuthEndpoint, isJsonObject, type AsResponse } from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedOptions } from './options.js'
import type { PatProvider } from './pat.js'
import { isSuccess } from './protection-errors.js'

const INACTIVE: RptIntrospection = Object.freeze({ active: false })

/**
 * Reads an introspection answer leniently: a 2xx JSON object with a boolean `active` is the
 * answer; a 4xx other than 401/403 means the token is unknown, so inactive (the spec says 200
 * `{"active":false}`, SolidLab answers 400: wire.md pitfall 28); a 5xx is `as_error`.
 *
 * A 401 or 403 refuses the RS itself (a wrong secret; a public client at Keycloak), not the
 * token: reading it as "inactive" would answer every request with a challenge and hide the
 * misconfiguration, so it is `unauthorized`.
 *
 * @param response - the AS's answer
 * @returns the introspection
 * @throws {UmaError} `unauthorized` (401, 403), `as_error` (5xx, 1xx, 3xx), `invalid_response`
 *   (a 2xx that is no answer)
 */
export function readIntrospection(response: AsResponse): RptIntrospection {
  const { status } = response
  if (status === 401 || status === 403) {
    throw new UmaError(
      'unauthorized',
      `introspection refused the resource server (HTTP ${status})`,
      { asStatus: status },
    )
  }
  if (status >= 400 && status < 500) return INACTIVE
  if (!isSuccess(status)) {
    throw new UmaError('as_error', `introspection answered HTTP ${status}`, { asStatus: status })
  }
  const body = response.json
  if (!isJsonObject(body) || typeof body.active !== 'boolean') {
    throw new UmaError('invalid_response', 'the introspection answer has no boolean "active"', {
      asStatus: status,
    })
  }
  return body.active ? (body as RptIntrospection) : INACTIVE
}

function hintParameters(options: ResolvedOptions): Record<string, string> {
  return options.introspectionHint === false ? {} : { token_type_hint: options.introspectionHint }
}

/**
 * Creates the introspection call of a resource server (uncached: see `rpt-cache.ts`).
 *
 * @param options - the resolved options
 * @param metadata - where the introspection endpoint is
 * @param pats - the PAT provider, for `introspectionAuth: 'pat'`
 * @param fetchImpl - the transport's `fetch`
 * @returns `introspect(rpt)`
 */
export function createIntrospector(
  options: ResolvedOptions,
  metadata: MetadataSource,
  pats: PatProvider,
  fetchImpl: typeof fetch,
): (rpt: string) => Promise<RptIntrospection> {
  const call = { fetch: fetchImpl, timeoutMs: options.timeoutMs, purpose: 'introspection' }

  async function withClientAuth(rpt: string): Promise<AsResponse> {
    const { metadata: as } = await metadata.endpoint('introspection_endpoint')
    const settings = {
      clientId: options.clientId,
      clientAuth: options.clientAuth,
      timeoutMs: options.timeoutMs,
      fetch: fetchImpl,
    }
    return callOAuthEndpoint(as, settings, 'introspection', {
      kind: 'introspection',
      token: rpt,
      parameters: hintParameters(options),
    })
  }

  async function withPat(rpt: string): Promise<AsResponse> {
    const { url } = await metadata.endpoint('introspection_endpoint')
    const body = new URLSearchParams({ token: rpt, ...hintParameters(options) }).toString()
    return pats.withPat((pat) =>
      callAs(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${pat}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body,
        },
        call,
      ),
    )
  }

  return async function introspect(rpt) {
    const response =
      options.introspectionAuth === 'pat' ? await withPat(rpt) : await withClientAuth(rpt)
    return readIntrospection(response)
  }
}
