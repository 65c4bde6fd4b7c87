/**
 * @module The one HTTP agent every call to the AS goes through: keep-alive, a bounded number of
 * connections, and the call timeout on headers and body.
 */
import { Agent, fetch as undiciFetch } from 'undici'

/** A `fetch` and how to release what it holds. */
export interface Transport {
  readonly fetch: typeof fetch
  close(): Promise<void>
}

/** Connections kept per AS origin; enough for a busy RS, few enough not to flood the AS. */
const MAX_CONNECTIONS = 64

/**
 * The caller's `fetch` where given (closing it is theirs), else undici's fetch over one
 * keep-alive Agent whose headers and body timeouts are `timeoutMs`.
 *
 * @param timeoutMs - bound on each call
 * @param userFetch - the `fetch` option
 * @returns the transport
 */
export function createTransport(timeoutMs: number, userFetch: typeof fetch | undefined): Transport {
  if (userFetch !== undefined) return { fetch: userFetch, close: () => Promise.resolve() }
  const agent = new Agent({
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: 30_000,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })
  const agentFetch = (
    input: Parameters<typeof undiciFetch>[0],
    init?: Parameters<typeof undiciFetch>[1],
  ) => undiciFetch(input, { ...init, dispatcher: agent })
  return {
    // undici's fetch is the WHATWG fetch; only its TypeScript types are its own
    fetch: agentFetch as unknown as typeof fetch,
    close: async () => {
      if (!agent.closed) await agent.close()
    },
  }
}
