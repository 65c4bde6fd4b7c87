/** The client README's first example, run by `client-readme.test.ts` against the development AS. */
import { createUmaFetch } from '@uma-kit/client'

const issuer = process.env.UMA_ISSUER ?? 'https://as.example'
const photos = process.env.PHOTOS_URL ?? 'https://photos.example'

const umaFetch = createUmaFetch({
  trustedIssuers: [issuer],
  clientId: 'bob-app',
  clientSecret: process.env.CLIENT_SECRET,
})
const response = await umaFetch(`${photos}/photos/photo.jpg`)
// 401 + ticket, RPT from the AS, the same request again: response.status is 200

export { response }
