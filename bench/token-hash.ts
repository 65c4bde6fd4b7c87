/**
 * What the cache key costs where it is paid: the SHA-256 of a 703-character RPT (as
 * `requireUmaScope` keys its cache, so that no cache holds a usable token) timed inside a
 * `node:http` handler under load, against the same hash in a tight loop, in one run. The
 * handler times only the hash (the header is read before the clock starts), and also one
 * `WeakMap.set` keyed by the request, as `req.uma` is kept.
 * Run: pnpm --filter @uma-kit/bench token-hash
 */
import { hash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { runLoad } from './load.js'
import { BENCH_RPT, writeResult } from './support.js'

const REQUESTS = Number(process.env.REQUESTS ?? 40_000)
const header = `Bearer ${BENCH_RPT}`

function tightLoop(n: number): number {
  let sink = 0
  const started = process.hrtime.bigint()
  for (let i = 0; i < n; i++) sink += hash('sha256', header.slice(7), 'binary').length
  const ns = Number(process.hrtime.bigint() - started) / n
  if (sink === 0) throw new Error('unreachable')
  return ns
}

let hashNs = 0n
let weakMapNs = 0n
let served = 0
const contexts = new WeakMap<object, string>()
const server = createServer((req, res) => {
  const token = (req.headers.authorization ?? '').slice(7)
  const t0 = process.hrtime.bigint()
  const key = hash('sha256', token, 'binary')
  const t1 = process.hrtime.bigint()
  contexts.set(req, key)
  const t2 = process.hrtime.bigint()
  hashNs += t1 - t0
  weakMapNs += t2 - t1
  served++
  res.end('{"ok":true}')
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
const headers = { authorization: header }

tightLoop(20_000)
await runLoad({ url, connections: 10, amount: 10_000, headers }) // warm-up
hashNs = 0n
weakMapNs = 0n
served = 0
await runLoad({ url, connections: 10, amount: REQUESTS, headers })
const figures = {
  requests: served,
  inServerHashNs: Number(hashNs) / served,
  inServerWeakMapSetNs: Number(weakMapNs) / served,
  tightLoopHashNs: tightLoop(200_000),
}
server.close()
console.table({
  'SHA-256 of the token, in the handler': `${figures.inServerHashNs.toFixed(0)} ns`,
  'SHA-256 of the token, tight loop': `${figures.tightLoopHashNs.toFixed(0)} ns`,
  'WeakMap.set keyed by the request, in the handler': `${figures.inServerWeakMapSetNs.toFixed(0)} ns`,
})
writeResult('token-hash', figures)
