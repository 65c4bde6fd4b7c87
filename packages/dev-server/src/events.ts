/**
 * @module What the development AS reports as it works, for logs and the demo's tutorial output.
 * Events never carry tokens, tickets or secrets.
 */

/** Kinds of events. */
export type AsEventType =
  | 'pat_issued'
  | 'resource_registered'
  | 'resource_updated'
  | 'resource_deleted'
  | 'ticket_issued'
  | 'rpt_issued'
  | 'need_info'
  | 'request_submitted'
  | 'request_denied'
  | 'invalid_grant'
  | 'claims_gathered'
  | 'owner_decision'
  | 'introspection'

/** One event. */
export interface AsEvent {
  readonly type: AsEventType
  /** A sentence for people. */
  readonly message: string
  /** The client concerned, where there is one. */
  readonly clientId?: string
}

/** Receives events. */
export type AsEventListener = (event: AsEvent) => void
