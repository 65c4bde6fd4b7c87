/** The resource-server README's first example, run by `rs-readme.test.ts` against the dev AS. */
import { createResourceServer, umaContext } from '@uma-kit/resource-server'
import express from 'express'

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
})
// the AS may still be starting (containers started together): wait for it, a line per attempt
await rs.ready({
  onAttempt: ({ issuer, attempt, error }) =>
    console.info(`uma: ${issuer}, attempt ${attempt}: ${error?.message ?? 'ready'}`),
})
const photoId = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view', 'print'] })

const app = express()
app.get('/photos/photo.jpg', rs.requireUmaScope('view', { resource: photoId }), (req, res) => {
  const { resourceId, scopes, issuer } = umaContext(req) // what the RPT was checked for
  res.json({ resourceId, scopes, issuer })
})
const server = app.listen(Number(process.env.PORT ?? 3000))

export { rs, server }
