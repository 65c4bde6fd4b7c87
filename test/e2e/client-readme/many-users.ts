/** The client README's server example: one `umaFetch`, one party per signed-in user. */
import { createUmaFetch } from '@uma-kit/client'
import express, { type Express, type Request } from 'express'

const issuer = process.env.UMA_ISSUER ?? 'https://as.example'
const photos = process.env.PHOTOS_URL ?? 'https://photos.example'

// one umaFetch for the whole server; each user's RPTs and PCTs are kept apart by forParty
const umaFetch = createUmaFetch({
  trustedIssuers: [issuer],
  clientId: 'bob-app',
  clientSecret: process.env.CLIENT_SECRET,
})

export const app: Express = express()
app.get('/my/photo', async (req, res) => {
  const user = signedInUser(req) // your session: { id, accessToken }
  const userFetch = umaFetch.forParty(user.id, {
    // Keycloak: identify the user by their own token instead of the client's secret
    // requestingPartyToken: () => user.accessToken,
  })
  // the signal reaches the AS calls and the polling too
  const photo = await userFetch(`${photos}/photos/photo.jpg`, {
    signal: AbortSignal.timeout(10_000),
  })
  res.status(photo.status).type(photo.headers.get('content-type') ?? 'application/octet-stream')
  res.send(Buffer.from(await photo.arrayBuffer()))
})

/** Stands in for the app's session: the user named in a header. */
function signedInUser(req: Request): { id: string; accessToken: string } {
  const id = req.get('x-user') ?? 'anonymous'
  return { id, accessToken: `${id}-token` }
}
