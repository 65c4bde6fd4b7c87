/** The client README's vendor notes: the options a WSO2 or CAS user writes (`vendors.test.ts`). */
import { ID_TOKEN_CLAIM_FORMAT, type UmaFetchOptions } from '@uma-kit/client'
import { currentUserIdToken } from './session.js' // your app's session

// WSO2 Identity Server: no discovery document; its issuer is its token endpoint
export const wso2: UmaFetchOptions = {
  trustedIssuers: ['https://wso2.example:9443/oauth2/token'],
  clientId: 'photo-app',
  clientSecret: process.env.WSO2_CLIENT_SECRET,
  metadata: {
    'https://wso2.example:9443/oauth2/token': {
      token_endpoint: 'https://wso2.example:9443/oauth2/token',
    },
  },
  // its grant requires a claim token: the requesting party's OpenID Connect ID token
  claims: () => ({ claim_token: currentUserIdToken(), claim_token_format: ID_TOKEN_CLAIM_FORMAT }),
}

// Apereo CAS: found by discovery (its UMA 1.0 document names an rpt_endpoint), or set by hand
export const cas: UmaFetchOptions = {
  trustedIssuers: ['https://cas.example/cas/oauth2.0'],
  clientId: 'photo-app',
  clientSecret: process.env.CAS_CLIENT_SECRET,
  metadata: {
    'https://cas.example/cas/oauth2.0': {
      token_endpoint: 'https://cas.example/cas/oauth2.0/accessToken',
      rpt_endpoint: 'https://cas.example/cas/oauth2.0/rptAuthzRequest',
    },
  },
}
