/** The resource-server README's metrics example: prom-client over the diagnostics channel. */
import { subscribe } from 'node:diagnostics_channel'
import { DECISION_CHANNEL_NAME, type DecisionEvent } from '@uma-kit/resource-server'
import express from 'express'
import { Counter, Histogram, Registry } from 'prom-client'

const registry = new Registry()
const decisions = new Counter({
  name: 'uma_decisions_total',
  help: 'UMA decisions by outcome, cache hit and AS',
  labelNames: ['outcome', 'cached', 'issuer'],
  registers: [registry],
})
const seconds = new Histogram({
  name: 'uma_decision_seconds',
  help: 'time to decide',
  labelNames: ['outcome'],
  registers: [registry],
})
// every resource server of the process publishes here; nothing to pass to createResourceServer
subscribe(DECISION_CHANNEL_NAME, (message) => {
  const event = message as DecisionEvent
  decisions.inc({
    outcome: event.outcome,
    cached: String(event.cached),
    issuer: event.issuer ?? '',
  })
  seconds.observe({ outcome: event.outcome }, event.durationMs / 1000)
})

const metrics = express()
metrics.get('/metrics', async (_req, res) => {
  res.type(registry.contentType).send(await registry.metrics())
})
const server = metrics.listen(Number(process.env.METRICS_PORT ?? 9464))

export { server }
