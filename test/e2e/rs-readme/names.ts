/** The resource-server README's Keycloak example: guarding by a resource's name. */
import { createResourceServer } from '@uma-kit/resource-server'
import express from 'express'

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
})
const app = express()
app.get(
  '/photos/photo.jpg',
  // the id is looked up once at the AS, then kept: a name costs no AS call per request
  rs.requireUmaScope('view', { resource: { name: 'photo.jpg', owner: process.env.OWNER } }),
  (_req, res) => res.send('photo'),
)
const server = app.listen(Number(process.env.PORT ?? 3000))

export { rs, server }
