/**
 * Express on 127.0.0.1, on a free port, serving routers; errors passed to `next(err)` are kept
 * for the tests and answered 500 without details.
 */
import type { AddressInfo } from 'node:net'
import express, { type ErrorRequestHandler, type Router } from 'express'

/** A listening Express app. */
export interface App {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** What reached Express's error handler (`next(err)`), answered 500 without details. */
  readonly errors: unknown[]
  close(): Promise<void>
}

/** Serves routers (each at the root, or under a path) on 127.0.0.1, on a free port. */
export async function listen(
  ...routers: (Router | [path: string, router: Router])[]
): Promise<App> {
  const app = express()
  for (const entry of routers) {
    if (Array.isArray(entry)) app.use(entry[0], entry[1])
    else app.use(entry)
  }
  const errors: unknown[] = []
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    errors.push(err)
    res.status(500).json({ error: 'server_error' })
  }
  app.use(onError)
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)))
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
