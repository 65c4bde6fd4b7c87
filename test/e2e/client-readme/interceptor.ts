/** The client README's undici example. */
import { umaInterceptor } from '@uma-kit/client'
import { Agent, request } from 'undici'

const issuer = process.env.UMA_ISSUER ?? 'https://as.example'
const photos = process.env.PHOTOS_URL ?? 'https://photos.example'

const dispatcher = new Agent().compose(
  umaInterceptor({
    trustedIssuers: [issuer],
    clientId: 'bob-app',
    clientSecret: process.env.CLIENT_SECRET,
  }),
)
const { statusCode, body } = await request(`${photos}/photos/photo.jpg`, { dispatcher })

export { statusCode, body, dispatcher }
