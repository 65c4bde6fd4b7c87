/**
 * An owner's side of `request_submitted`: Alice watches her pending requests at her AS, over
 * its owner endpoint, and approves each one.
 */
import type { DevServer } from '@uma-kit/dev-server'
import type { DemoLog } from './log.js'

/** An owner approving, until stopped; `approved` settles at the first approval. */
export interface Approvals {
  readonly approved: Promise<void>
  stop(): void
}

interface Pending {
  id: string
  clientId: string
  scope: string
  resourceName: string
}

/**
 * Starts approving an owner's pending requests, checking every 250 ms.
 *
 * @param as - the owner's AS
 * @param owner - `alice`
 * @param password - the owner's password there
 * @param log - where approvals are told
 * @param fail - records a failure to reach the AS (the run then fails)
 * @returns the running approvals
 */
export function startApprovals(
  as: DevServer,
  owner: string,
  password: string,
  log: DemoLog,
  fail: (text: string) => void,
): Approvals {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let resolveApproved: () => void = () => undefined
  const approved = new Promise<void>((resolve) => (resolveApproved = resolve))
  const auth = `Basic ${Buffer.from(`${owner}:${password}`).toString('base64')}`
  const url = `${new URL(as.issuer).origin}${as.paths.ownerRequests}`
  const name = `${owner.charAt(0).toUpperCase()}${owner.slice(1)}`
  const check = async () => {
    const res = await fetch(url, { headers: { authorization: auth } })
    const pending = (await res.json()) as Pending[]
    for (const request of pending) {
      log.note(
        name,
        `sees ${request.clientId} asking to ${request.scope} ${request.resourceName}, and approves`,
      )
      await fetch(`${url}/${request.id}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      })
      resolveApproved()
    }
  }
  const tick = () => {
    if (stopped) return
    check()
      .catch((err: unknown) => fail(`${name} could not reach the AS: ${String(err)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, 250)
      })
  }
  timer = setTimeout(tick, 250)
  return {
    approved,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
