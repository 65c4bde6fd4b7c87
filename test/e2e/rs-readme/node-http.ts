/** The resource-server README's framework-free example: `authorize()` on node:http, with pino. */
import { createServer } from 'node:http'
import { createResourceServer } from '@uma-kit/resource-server'
import { pino } from 'pino'

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' })
const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
  // one line per decision: outcome, cached, issuer, durationMs; sub and clientId when allowed,
  // the error behind an unreachable or error outcome; never a token
  onDecision: (event) => logger.info(event, 'uma decision'),
})
const photoId = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view'] })

const server = createServer((req, res) => {
  rs.authorize({ authorization: req.headers.authorization, resourceId: photoId, scopes: ['view'] })
    .then((decision) => {
      if (!decision.allowed) res.writeHead(decision.status, decision.headers).end()
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('photo')
    })
    .catch((err: unknown) => {
      logger.error({ err }, 'uma misconfiguration') // a message for the log, never the client
      res.writeHead(500).end()
    })
})
server.listen(Number(process.env.PORT ?? 3000))

export { rs, server }
