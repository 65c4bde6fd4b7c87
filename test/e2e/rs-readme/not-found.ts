/** The resource-server README's "no such resource" example. */
import { createResourceServer } from '@uma-kit/resource-server'
import express from 'express'

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
})
// the app's own records: which photos exist, and their id at the AS
const photos = new Map<string, string>()
photos.set('photo.jpg', await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] }))

const app = express()
app.get(
  '/photos/:name',
  // answer 404 first: the guard only decides about resources that exist
  (req, res, next) =>
    photos.has(String(req.params.name)) ? next() : res.status(404).json({ error: 'no such photo' }),
  rs.requireUmaScope('view', { resource: (req) => photos.get(String(req.params.name)) ?? '' }),
  (req, res) => res.json({ photo: req.params.name }),
)
const server = app.listen(Number(process.env.PORT ?? 3000))

export { rs, server }
