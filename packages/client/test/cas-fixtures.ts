/**
 * Apereo CAS's UMA answers, shaped as CAS 6/7 sends them (its UmaServerDiscoverySettings,
 * UmaAuthorizationRequestEndpointController and error paths; wire.md §6.2): a UMA 1.0 discovery
 * document, the JSON RPT endpoint answering `{"rpt", "code"}`, `need_info` as a 308 nested under
 * `error_details`, plain-text and `{"code":[…],"message":[…]}` errors.
 */
import { HttpResponse } from 'msw'

export const CAS = 'https://cas.example/cas/oauth2.0'

/** `GET {cas}/oauth2.0/.well-known/uma-configuration`. */
export const casDiscovery = {
  issuer: CAS,
  version: '1.0',
  pat_profiles_supported: ['bearer'],
  aat_profiles_supported: ['bearer'],
  rpt_profiles_supported: ['bearer'],
  claim_token_profiles_supported: [
    'http://openid.net/specs/openid-connect-core-1_0.html#IDToken',
    'urn:ietf:params:oauth:token-type:jwt',
  ],
  uma_profiles_supported: [],
  pat_grant_types_supported: [
    'authorization_code',
    'urn:ietf:params:oauth:grant-type:uma-ticket',
    'client_credentials',
  ],
  aat_grant_types_supported: [
    'authorization_code',
    'urn:ietf:params:oauth:grant-type:uma-ticket',
    'client_credentials',
  ],
  token_endpoint: `${CAS}/accessToken`,
  requesting_party_claims_endpoint: `${CAS}/rqpClaims`,
  resource_set_registration_endpoint: `${CAS}/resourceSet`,
  permission_registration_endpoint: `${CAS}/permission`,
  rpt_endpoint: `${CAS}/rptAuthzRequest`,
}

/** The AAT: `client_credentials` with scope `uma_authorization` at `accessToken`. */
export const casAat = (n: number) => ({
  access_token: `AT-${n}-casaccesstokenvalue`,
  token_type: 'bearer',
  expires_in: 28800,
  scope: 'uma_authorization',
})

/** `POST rptAuthzRequest` granted. */
export const casRpt = (rpt: string) => HttpResponse.json({ rpt, code: 'CREATED' }, { status: 200 })

/** `need_info`: HTTP 308, names only, `redirect_user: true`, the same ticket. */
export const casNeedInfo = (ticket: string, nestedAsString = false) => {
  const claims = {
    required_claims: ['givenName'],
    required_scopes: [],
    redirect_user: true,
    ticket,
  }
  return HttpResponse.json(
    {
      error: 'need_info',
      error_details: { requesting_party_claims: nestedAsString ? JSON.stringify(claims) : claims },
    },
    { status: 308 },
  )
}

/** Every failure of the RPT endpoint that is not a claims mismatch. */
export const casPlainError = (text = 'Unable to handle authorization request') =>
  new HttpResponse(text, { status: 400, headers: { 'content-type': 'text/plain;charset=UTF-8' } })

/** CAS's arrays, copied into headers too. */
export const casArrayError = () =>
  HttpResponse.json(
    { code: [404], message: ['Unable to locate resource-set'] },
    { status: 404, headers: { code: '404', message: 'Unable to locate resource-set' } },
  )
