/**
 * @module Tickets asked for by many requests at once: identical requests in flight share one
 * call, and, where the AS's tickets are reusable, a ticket is reused for a short time.
 */
import type { PermissionRequest } from '@uma-kit/core'
import { createSingleFlight, isJsonObject, numberMember } from '@uma-kit/core/internal'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import type { CallContext } from './call-context.js'
import type { TicketRequester } from './tickets.js'

/** Tickets kept for reuse at most. */
const MAX_REUSED = 1000

/** A reusable ticket is not handed out in its last seconds: the client must still redeem it. */
const EXP_MARGIN_MS = 10_000

function ticketExpMs(ticket: string): number | undefined {
  try {
    const payload: unknown = decodeJwt(ticket)
    const exp = isJsonObject(payload) ? numberMember(payload, 'exp') : undefined
    return exp === undefined ? undefined : exp * 1000
  } catch {
    return undefined
  }
}

/**
 * Wraps a ticket requester: concurrent identical requests (the same permissions) share one
 * call; with `reuseMs`, a ticket is kept that long for identical requests, never past its own
 * `exp` (less ten seconds) where it is a JWT.
 *
 * @param request - the AS's ticket requester
 * @param reuseMs - how long to reuse a ticket; 0 never
 * @param now - the clock
 * @returns the wrapped requester
 */
export function shareTickets(
  request: TicketRequester,
  reuseMs: number,
  now: () => number = Date.now,
): TicketRequester {
  const flights = createSingleFlight<string, string>()
  const reused =
    reuseMs > 0
      ? new LRUCache<string, { ticket: string; until: number }>({ max: MAX_REUSED })
      : undefined

  return async function requestTicket(permissions: PermissionRequest[], context?: CallContext) {
    const key = JSON.stringify(permissions)
    const kept = reused?.get(key)
    if (kept !== undefined && kept.until > now()) return kept.ticket
    return flights.run(key, async () => {
      const ticket = await request(permissions, context)
      if (reused !== undefined) {
        const until = Math.min(now() + reuseMs, (ticketExpMs(ticket) ?? Infinity) - EXP_MARGIN_MS)
        if (until > now()) reused.set(key, { ticket, until })
      }
      return ticket
    })
  }
}
