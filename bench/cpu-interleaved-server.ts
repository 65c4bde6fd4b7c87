/**
 * The server process of `rs-cpu-interleaved`: the synchronous variants of `cpu-apps.ts` (a bare
 * route, a plain no-op middleware, `requireUmaScope` on a cache hit, with the token its
 * connection sent last and with another) in this one process, each
 * on its own port, loaded at the same time. Each request listener is timed from the moment
 * Node.js hands it the parsed request to the moment it returns; on these routes the response
 * has been written by then (a request that returns unanswered is counted, and fails the run).
 * The process's whole CPU time over a turn is counted too, so that what is spent outside the
 * listeners (reading and parsing requests, the event loop), the same for every app, can be
 * shared out per request.
 * Messages in: `{ begin: true }`, `{ end: true }`, `{ close: true }`.
 * Messages out: `{ ready: { variant: url+headers } }`, `{ turn: InterleavedTurn }`.
 */
import type { RequestListener } from 'node:http'
import { performance } from 'node:perf_hooks'
import type * as ResourceServerModule from '@uma-kit/resource-server'
import { INTERLEAVED, startApps, type Variant } from './cpu-apps.js'

/** What one app's listener did over a turn. */
export interface ListenerCount {
  served: number
  /** Milliseconds inside the listener, by the monotonic clock. */
  insideMs: number
  /** Requests the listener returned from without having answered. */
  unanswered: number
}

/** What the process counted over one turn. */
export interface InterleavedTurn {
  readonly cpuUs: number
  readonly apps: Record<string, ListenerCount>
}

const fresh = (): Record<string, ListenerCount> =>
  Object.fromEntries(INTERLEAVED.map((v) => [v, { served: 0, insideMs: 0, unanswered: 0 }]))
let counts = fresh()

function timed(variant: Variant, listener: RequestListener): RequestListener {
  return (req, res) => {
    const started = performance.now()
    listener(req, res)
    const inside = performance.now() - started
    const count = counts[variant]
    if (count === undefined) return
    count.served++
    count.insideMs += inside
    if (!res.writableEnded) count.unanswered++
  }
}

// BUILD: another build's dist/index.js, for an A/B of the guard across runs
const build =
  process.env.BUILD === undefined
    ? undefined
    : ((await import(process.env.BUILD)) as typeof ResourceServerModule)
const { apps, close } = await startApps(build, INTERLEAVED, timed)
let cpu = process.cpuUsage()

process.on('message', (message: { begin?: true; end?: true; close?: true }) => {
  if (message.begin === true) {
    counts = fresh()
    cpu = process.cpuUsage()
  } else if (message.end === true) {
    const used = process.cpuUsage(cpu)
    const turn: InterleavedTurn = { cpuUs: used.user + used.system, apps: counts }
    process.send?.({ turn })
  } else if (message.close === true) {
    void close().then(() => process.disconnect())
  }
})
// the benchmark's process is gone (it failed, or was stopped): so is this one
process.on('disconnect', () => process.exit(0))
process.send?.({
  ready: Object.fromEntries(
    Object.entries(apps).map(([variant, app]) => [
      variant,
      { url: app.url, headers: app.headers, alternate: app.alternate },
    ]),
  ),
})
