/** The client README's browser flow: claims gathered by the requesting party at the AS. */
import { createUmaClient, type UmaError } from '@uma-kit/client'

const issuer = process.env.UMA_ISSUER ?? 'https://as.example'

const client = createUmaClient({
  trustedIssuers: [issuer],
  clientId: 'bob-app',
  clientSecret: process.env.CLIENT_SECRET,
})

// 1. need_info: send the browser to the AS (state: unguessable, kept in the session)
export function claimsPage(err: UmaError, state: string): Promise<string> {
  return client.claimsInteractionUrl({
    asUri: issuer,
    ticket: err.ticket ?? '',
    claimsRedirectUri: 'http://127.0.0.1/claims-callback',
    state,
    redirectUser: err.redirectUser,
  })
}

// 2. the AS redirects back to claimsRedirectUri: read the new ticket, then ask again
export function afterClaims(callbackUrl: string, state: string, ticket: string) {
  const { ticket: next } = client.readClaimsRedirect(callbackUrl, { state, ticket })
  return client.getRpt({ asUri: issuer, ticket: next })
}

export { client }
