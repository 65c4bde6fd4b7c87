/**
 * An Express app on 127.0.0.1 (port 0) behind `requireUmaScope`, for tests that go over real
 * HTTP, and the msw server the fake AS runs in.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type ErrorRequestHandler, type Express } from 'express'
import { setupServer } from 'msw/node'

/** msw for the AS; requests to the app on loopback go through untouched. */
export function createMswServer(): ReturnType<typeof setupServer> {
  return setupServer()
}

/** msw's listen options: every unmocked call fails the test, except the app's own. */
export const MSW_LISTEN = {
  onUnhandledRequest(request: Request, print: { error(): void }) {
    if (new URL(request.url).hostname !== '127.0.0.1') print.error()
  },
} as const

/** The `fetch` option that lets msw see the RS's calls to the AS. */
export const mswFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)

export interface RunningApp {
  readonly url: string
  /** Errors Express's error handler received. */
  readonly errors: unknown[]
  close(): Promise<void>
}

/**
 * Starts an app, with an error handler that records `next(err)` and answers a bare 500.
 *
 * @param build - adds routes
 * @returns the running app
 */
export async function startApp(build: (app: Express) => void): Promise<RunningApp> {
  const app = express()
  const errors: unknown[] = []
  build(app)
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    errors.push(err)
    res.status(500).json({ error: 'server_error' })
  }
  app.use(onError)
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
