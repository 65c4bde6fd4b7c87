/**
 * @module Decisions published on `node:diagnostics_channel`, as undici publishes its requests,
 * so that tracing and metrics tools can subscribe without an `onDecision` callback.
 */
import { channel } from 'node:diagnostics_channel'
import type { DecisionEvent } from './options.js'

/** The channel every decision of every resource server is published on. */
export const DECISION_CHANNEL_NAME = 'uma-kit:resource-server:decision'

const decisions = channel(DECISION_CHANNEL_NAME)

/**
 * Publishes a decision to the channel's subscribers (none: nothing happens).
 *
 * @param event - the decision, which never holds a token
 */
export function publishDecision(event: DecisionEvent): void {
  if (decisions.hasSubscribers) decisions.publish(event)
}

/**
 * Whether anyone listens, so that a decision can skip measuring itself when no one does.
 *
 * @returns whether the channel has subscribers
 */
export function decisionsObserved(): boolean {
  return decisions.hasSubscribers
}
