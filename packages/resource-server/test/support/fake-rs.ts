/**
 * A test file's setup of a resource server over the msw fake AS (spec shape): msw listening for
 * the file, a fresh fake AS per test, and every resource server a test made closed after it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { createResourceServer, type ResourceServer, type SingleAsOptions } from '../../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './app.js'
import { CLIENT_ID, CLIENT_SECRET, createFakeAs, type FakeAs } from './fake-as.js'

/** What a test gets from {@link useFakeResourceServers}. */
export interface FakeResourceServers {
  readonly msw: ReturnType<typeof createMswServer>
  /** This test's fake AS. */
  readonly as: () => FakeAs
  /** A resource server over it, closed after the test. */
  readonly rs: (overrides?: Partial<SingleAsOptions>) => ResourceServer
}

/**
 * Sets up the hooks of a test file.
 *
 * @param defaults - options every resource server of the file gets (before the test's own)
 * @returns the AS and resource-server factory
 */
export function useFakeResourceServers(
  defaults: Partial<SingleAsOptions> = {},
): FakeResourceServers {
  const msw = createMswServer()
  const servers: ResourceServer[] = []
  let current: FakeAs | undefined
  beforeAll(() => msw.listen(MSW_LISTEN))
  afterEach(() => msw.resetHandlers())
  afterAll(() => msw.close())
  beforeEach(() => {
    current = createFakeAs('spec')
    msw.use(...current.handlers)
  })
  afterEach(async () => {
    vi.useRealTimers()
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  const as = (): FakeAs => {
    if (current === undefined) throw new Error('the fake AS exists inside a test only')
    return current
  }
  return {
    msw,
    as,
    rs: (overrides = {}) => {
      const server = createResourceServer({
        issuer: as().issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        fetch: mswFetch,
        ...defaults,
        ...overrides,
      })
      servers.push(server)
      return server
    },
  }
}
