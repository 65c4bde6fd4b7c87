/**
 * The client against the development AS and the photo RS over real HTTP: an RPT is bound to the
 * origin that challenged, after redirects, and never reaches the origin that redirected.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createUmaFetch } from '@uma-kit/client'
import { afterEach, describe, expect, it } from 'vitest'
import { bobOptions, count, startStack, type Stack } from './support.js'

let stack: Stack | undefined
let front: Server | undefined
afterEach(async () => {
  if (front !== undefined) {
    const server = front
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  front = undefined
  await stack?.close()
  stack = undefined
})

/** A server on another origin that redirects every request to `target`, noting what it got. */
async function redirector(status: number, target: string, seen: (string | undefined)[]) {
  front = createServer((req, res) => {
    seen.push(req.headers.authorization)
    res.writeHead(status, { location: target }).end()
  })
  await new Promise<void>((resolve) => front?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}`
}

describe('createUmaFetch over real HTTP: redirects', () => {
  it.each([302, 307])(
    'a %i to the photo RS: its RPT goes to the RS, never to the origin that redirected',
    async (status) => {
      stack = await startStack()
      const seen: (string | undefined)[] = []
      const origin = await redirector(status, stack.photo, seen)
      const bob = createUmaFetch(bobOptions(stack))
      const res = await bob(`${origin}/shortcut`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/jpeg')
      expect(res.url).toBe(stack.photo)
      expect(res.redirected).toBe(true)
      const again = await bob(`${origin}/shortcut`)
      expect(again.status).toBe(200)
      expect(seen).toEqual([undefined, undefined])
      // the RPT obtained for the RS's challenge served the second call at the RS
      expect(count(stack.events, 'rpt_issued')).toBe(1)
    },
  )
})
