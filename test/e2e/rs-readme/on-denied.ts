/** The resource-server README's own-denial-bodies example. */
import { createResourceServer } from '@uma-kit/resource-server'
import express from 'express'

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
  // for every route; a route's own onDenied wins
  onDenied: (_req, res, decision) => {
    // the status and its headers (WWW-Authenticate, Warning, Retry-After) are already set
    res.json({ message: decision.status === 401 ? 'Ask the AS for access' : 'Try again later' })
  },
})
const photoId = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] })

const app = express()
app.get('/photos/photo.jpg', rs.requireUmaScope('view', { resource: photoId }), (_req, res) => {
  res.send('photo')
})
const server = app.listen(Number(process.env.PORT ?? 3000))

export { rs, server }
