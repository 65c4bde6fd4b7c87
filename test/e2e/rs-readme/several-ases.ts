/** The resource-server README's several-ASes example, with RFC 9728 metadata. */
import { createResourceServer } from '@uma-kit/resource-server'
import express from 'express'

// each owner's photos are protected by the AS that owner chose
const owners = new Map([
  ['alice', process.env.ALICE_AS ?? 'https://as.alice.example'],
  ['dave', process.env.DAVE_AS ?? 'https://as.dave.example'],
])
const rs = createResourceServer({
  authorizationServers: [
    {
      issuer: owners.get('alice') ?? '',
      clientId: 'photo-rs',
      clientSecret: process.env.ALICE_RS_SECRET,
    },
    {
      issuer: owners.get('dave') ?? '',
      clientId: 'photo-rs',
      clientSecret: process.env.DAVE_RS_SECRET,
    },
  ],
  // the route says whose the photo is; ids alone may be equal at two ASes
  issuerFor: (_resourceId, req) => owners.get(String(req?.params.owner)) ?? 'none',
  resourceMetadata: { resource: process.env.PHOTOS_URL ?? 'https://photos.example' },
})
const photoIds = new Map<string, string>() // owner → the id of the photo at the owner's AS
for (const [owner, issuer] of owners) {
  const api = rs.forIssuer(issuer)
  photoIds.set(owner, await api.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] }))
}

const app = express()
app.get(rs.protectedResourceMetadataPath ?? '/', rs.protectedResourceMetadata) // RFC 9728
app.get(
  '/:owner/photo.jpg',
  rs.requireUmaScope('view', { resource: (req) => photoIds.get(String(req.params.owner)) ?? '' }),
  (req, res) => res.json({ owner: req.params.owner, decidedBy: req.uma?.issuer }),
)
const server = app.listen(Number(process.env.PORT ?? 3000))

export { photoIds, rs, server }
