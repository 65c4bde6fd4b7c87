/**
 * @module RPT introspection (RFC 7662, UMA FedAuthz §5): with the RS's client authentication
 * (oauth4webapi writes it), or with the PAT as a bearer token.
 */
import { UmaError, type UmaServerMetadata } from '@uma-kit/core'
import { callOAuthEndpoint, type AsResponse } from '@uma-kit/core/internal'
import type { MetadataSource } from './as-metadata.js'
import type { ResolvedAs } from './as-options.js'
import { INACTIVE, toCheckedRpt, type CheckedRpt } from './checked-rpt.js'
import type { CallContext } from './call-context.js'
import type { PatProvider } from './pat.js'
import { isSuccess } from './protection-errors.js'

/**
 * Reads an introspection answer leniently, once: a 2xx JSON object with a boolean `active` is
 * the answer; a 400 or 422 means the token is unknown, so inactive (the spec says 200
 * `{"active":false}`; SolidLab answers 400: the README's vendor notes).
 *
 * Other 4xx say nothing about the token: 401 and 403 refuse the RS itself (a wrong secret, a
 * public client at Keycloak), `unauthorized`; 408 and 429 mean the AS cannot answer now,
 * `as_unreachable`; 404, 405 and the rest mean the endpoint is wrong, `as_error`. Reading any of
 * them as "inactive" would answer every request with a challenge and hide the fault.
 *
 * @param response - the AS's answer
 * @returns the checked RPT
 * @throws {UmaError} `unauthorized`, `as_unreachable`, `as_error`, `invalid_response` (a 2xx
 *   that is no answer)
 */
export function readIntrospection(response: AsResponse): CheckedRpt {
  const { status } = response
  if (status === 400 || status === 422) return INACTIVE
  if (status === 401 || status === 403) {
    throw new UmaError(
      'unauthorized',
      `introspection refused the resource server (HTTP ${status})`,
      {
        asStatus: status,
      },
    )
  }
  if (status === 408 || status === 429) {
    throw new UmaError('as_unreachable', `introspection answered HTTP ${status}: try later`, {
      asStatus: status,
    })
  }
  if (!isSuccess(status)) {
    throw new UmaError('as_error', `introspection answered HTTP ${status}`, { asStatus: status })
  }
  const body = response.json
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof (body as { active?: unknown }).active !== 'boolean'
  ) {
    throw new UmaError('invalid_response', 'the introspection answer has no boolean "active"', {
      asStatus: status,
    })
  }
  return toCheckedRpt(body, response.text.length)
}

/**
 * The `token_type_hint` to send: the user's choice, else `requesting_party_token` for Keycloak
 * (known by the `policy_endpoint` its UMA metadata adds), whose 26.x introspection leaves the
 * RPT's permissions out of an `access_token` answer, else `access_token`.
 */
function hintParameters(as: ResolvedAs, document: UmaServerMetadata): Record<string, string> {
  const keycloak = typeof document.policy_endpoint === 'string'
  const hint = as.introspectionHintChosen
    ? as.introspectionHint
    : keycloak
      ? 'requesting_party_token'
      : 'access_token'
  return hint === false ? {} : { token_type_hint: hint }
}

/**
 * Creates the introspection call of one AS (uncached: see `rpt-cache.ts`). With client
 * credentials and no `introspectionAuth` chosen, an AS that refuses them with 401 (SolidLab's
 * takes only the PAT, as UMA FedAuthz §5 describes) is asked once more with the PAT, and the
 * PAT is used from then on if that worked.
 *
 * @param as - the AS's resolved options
 * @param timeoutMs - bound on each call
 * @param metadata - where the introspection endpoint is
 * @param pats - the PAT provider
 * @param fetchImpl - the transport's `fetch`
 * @returns `introspect(rpt, context)`
 */
export function createIntrospector(
  as: ResolvedAs,
  timeoutMs: number,
  metadata: MetadataSource,
  pats: PatProvider,
  fetchImpl: typeof fetch,
): (rpt: string, context?: CallContext) => Promise<CheckedRpt> {
  let mode = as.introspectionAuth

  async function withClientAuth(rpt: string, context: CallContext): Promise<AsResponse> {
    const { metadata: document } = await metadata.endpoint('introspection_endpoint')
    const settings = {
      clientId: as.clientId,
      clientAuth: as.clientAuth,
      timeoutMs,
      deadline: context.deadline,
      fetch: fetchImpl,
    }
    return callOAuthEndpoint(document, settings, 'introspection', {
      kind: 'introspection',
      token: rpt,
      parameters: hintParameters(as, document),
    })
  }

  async function withPat(rpt: string, context: CallContext): Promise<AsResponse> {
    const { url, metadata: document } = await metadata.endpoint('introspection_endpoint')
    const body = new URLSearchParams({ token: rpt, ...hintParameters(as, document) }).toString()
    const form = 'application/x-www-form-urlencoded'
    return pats.request(
      { url, method: 'POST', contentType: form, body, purpose: 'introspection' },
      context,
    )
  }

  return async function introspect(rpt, context = {}) {
    if (mode === 'pat') return readIntrospection(await withPat(rpt, context))
    const answer = await withClientAuth(rpt, context)
    if (answer.status !== 401 || as.introspectionAuthChosen) return readIntrospection(answer)
    const second = await withPat(rpt, context)
    if (second.status !== 401 && second.status !== 403) mode = 'pat'
    return readIntrospection(second)
  }
}
