/**
 * The server process of the server-CPU benchmark: every variant of `cpu-apps.ts` listening, and
 * an IPC channel to the parent that brackets each turn, so that the CPU time counted is this
 * process's alone (the load generator runs in a process of its own).
 * Messages in: `{ begin: variant }`, `{ end: variant }`, `{ close: true }`.
 * Messages out: `{ ready: { variant: url+headers } }`,
 * `{ turn: { cpuUs, served, rps, rss, heapUsed } }`.
 */
import type * as ResourceServerModule from '@uma-kit/resource-server'
import { VARIANTS, startApps, type Variant } from './cpu-apps.js'

// BUILD: another build's dist/index.js, for an A/B against the package in another process
const build =
  process.env.BUILD === undefined
    ? undefined
    : ((await import(process.env.BUILD)) as typeof ResourceServerModule)
const only = (process.env.ONLY?.split(',') as Variant[] | undefined) ?? [...VARIANTS]
const { apps, introspections, close } = await startApps(build, only)
let cpu = process.cpuUsage()
let servedAtBegin = 0

process.on('message', (message: { begin?: Variant; end?: Variant; close?: true }) => {
  if (message.begin !== undefined) {
    servedAtBegin = apps[message.begin].served
    apps[message.begin].firstAt = 0
    cpu = process.cpuUsage()
  } else if (message.end !== undefined) {
    const used = process.cpuUsage(cpu)
    const app = apps[message.end]
    const served = app.served - servedAtBegin
    // requests per second as the server saw them arrive: the load generator's own figure
    // rounds a turn to whole seconds
    const rps = served > 1 ? ((served - 1) * 1000) / (app.lastAt - app.firstAt) : 0
    const memory = process.memoryUsage()
    process.send?.({
      turn: {
        cpuUs: used.user + used.system,
        served,
        rps,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        introspections: introspections(),
      },
    })
  } else if (message.close === true) {
    void close().then(() => process.disconnect())
  }
})
process.send?.({
  ready: Object.fromEntries(
    Object.entries(apps).map(([variant, app]) => [variant, { url: app.url, headers: app.headers }]),
  ),
})
