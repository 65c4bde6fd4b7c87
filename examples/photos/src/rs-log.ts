/**
 * The RS's decisions in the tutorial log, from its `onDecision` event: what it decided, which AS
 * decided it, whether the RPT's check came from its cache, and how long it took. The event
 * never holds a token.
 */
import type { DecisionEvent } from '@uma-kit/resource-server'
import type { Cast } from './cast.js'

/**
 * Tells a decision in a sentence.
 *
 * @param event - what `onDecision` received
 * @param cast - names the AS and the photo
 * @returns the sentence
 */
export function describeDecision(event: DecisionEvent, cast: Cast): string {
  const as = event.issuer === undefined ? 'no AS' : cast.asName(event.issuer)
  const what = `${event.scopes.join(' ')} on ${cast.resourceName(event.resourceId)}`
  const took = `${event.durationMs.toFixed(1)} ms`
  const rpt = event.clientId === undefined ? 'the RPT' : `${event.clientId}'s RPT`
  switch (event.outcome) {
    case 'allowed':
      return event.cached
        ? `lets ${what} through: ${as} vouched for ${rpt} before; from the RS's cache, no call to the AS (${took})`
        : `lets ${what} through: ${as} vouched for ${rpt}, introspected just now (${took})`
    case 'challenged':
      return event.cached
        ? `401 + ticket from ${as}: the RPT, from the RS's cache, lacks ${what} (${took})`
        : `401 + ticket from ${as}: no RPT vouched for by ${as} holds ${what} (${took})`
    case 'unreachable':
      return `403: ${as} cannot be reached now (${event.error?.code ?? 'unknown'}, ${took})`
    case 'error':
      return `fails to decide ${what} at ${as}: ${event.error?.code ?? 'unknown'} (${took})`
  }
}
