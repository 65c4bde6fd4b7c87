/**
 * One resource server of the fleet, in a process of its own: an Express app on 127.0.0.1 whose
 * photo route is guarded by `requireUmaScope`, with the process's own RPT cache in front of the
 * fleet's on Redis (`cache.shared`). A route for the application's own use revokes an RPT on
 * every instance (`rs.revoke`). Configured by FLEET_INSTANCE (JSON); tells its URL over IPC.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createClient } from 'redis'
import { createResourceServer, redisStore } from '@uma-kit/resource-server'

const config = JSON.parse(process.env.FLEET_INSTANCE ?? '{}') as {
  name: string
  rs: { issuer: string; clientId: string; clientSecret: string }
  resourceId: string
  redisUrl: string
  sharedSecret: string
}

// node-redis reports a lost connection as 'error' events: an application must listen to them
const redis = createClient({ url: config.redisUrl }).on('error', () => undefined)
await redis.connect()

const rs = createResourceServer({
  ...config.rs,
  timeoutMs: 1000,
  cache: { shared: redisStore(redis), sharedSecret: config.sharedSecret },
})

const app = express()
app.get('/photos/:id', rs.requireUmaScope('view', { resource: config.resourceId }), (req, res) => {
  res.json({ id: req.params.id, instance: config.name })
})
// the application's own route (an admin API, a logout hook): never exposed to clients
app.post('/admin/revoke', (req, res, next) => {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  if (token === undefined) {
    res.status(400).end()
    return
  }
  rs.revoke(token).then(() => res.status(204).end(), next)
})

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('message', (message: { close?: true }) => {
  if (message.close !== true) return
  server.closeAllConnections()
  server.close()
  void rs
    .close()
    .then(() => redis.destroy())
    .finally(() => process.disconnect())
})
