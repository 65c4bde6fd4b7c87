/** The client README's claims and owner-approval example. */
import { createUmaFetch, isUmaError } from '@uma-kit/client'

const issuer = process.env.UMA_ISSUER ?? 'https://as.example'
const photos = process.env.PHOTOS_URL ?? 'https://photos.example'
const printed: number[] = []

const umaFetch = createUmaFetch({
  trustedIssuers: [issuer],
  clientId: 'bob-app',
  clientSecret: process.env.CLIENT_SECRET,
  // called before the first grant request (requiredClaims undefined) and on each need_info
  claims: ({ requiredClaims }) => {
    const asked = requiredClaims?.some((claim) => claim.name === 'email') === true
    const email = Buffer.from('{"email":"bob@example.com"}').toString('base64url')
    return asked
      ? { claim_token: email, claim_token_format: 'urn:ietf:params:oauth:token-type:jwt' }
      : undefined
  },
  // request_submitted: poll at the AS's interval (at least 1 s), for up to a minute
  onRequestSubmitted: { pollMaxWaitMs: 60_000 },
})
try {
  const response = await umaFetch(`${photos}/photos/photo.jpg/print`, { method: 'POST' })
  printed.push(response.status) // 202
} catch (err) {
  if (isUmaError(err) && err.code === 'request_denied') console.log('the owner said no')
  else throw err
}

export { printed }
