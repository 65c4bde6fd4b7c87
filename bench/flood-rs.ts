/**
 * The resource server of the flood benchmark, in a process of its own so that its memory is its
 * own: an Express route behind `requireUmaScope`, every HTTP call it makes to the AS counted by
 * endpoint, and its memory sampled every 100 ms. Configured by FLOOD_RS (JSON: the RS options
 * the development AS gave, the resource id, and `limits`). IPC: `{ report: true }` answers
 * `{ calls, peakRss, peakHeapUsed }` and starts counting afresh.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createResourceServer, type ResourceServerOptions } from '@uma-kit/resource-server'

const config = JSON.parse(process.env.FLOOD_RS ?? '{}') as {
  rs: ResourceServerOptions
  resourceId: string
  limits: false | undefined
}
let calls: Record<string, number> = {}
const counting: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input)
  const path = new URL(url).pathname
  calls[path] = (calls[path] ?? 0) + 1
  return fetch(input, init)
}
const rs = createResourceServer({
  ...config.rs,
  fetch: counting,
  ...(config.limits === false ? { limits: false } : {}),
})
const app = express()
app.get('/photos/:id', rs.requireUmaScope('view', { resource: config.resourceId }), (_req, res) => {
  res.json({ ok: true })
})
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))

let peakRss = 0
let peakHeapUsed = 0
const sample = () => {
  const m = process.memoryUsage()
  peakRss = Math.max(peakRss, m.rss)
  peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed)
}
const sampler = setInterval(sample, 100)
process.on('message', (message: { report?: true; close?: true }) => {
  if (message.report === true) {
    sample()
    process.send?.({ calls, peakRss, peakHeapUsed })
    calls = {}
  } else if (message.close === true) {
    clearInterval(sampler)
    server.closeAllConnections()
    server.close()
    void rs.close().then(() => process.disconnect())
  }
})
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/photos/1` })
