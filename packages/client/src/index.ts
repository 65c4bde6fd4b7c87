/**
 * @module @uma-kit/client: a fetch that answers UMA challenges by itself (permission ticket to
 * RPT with the uma-ticket grant), a client for code that handles the challenge itself, and an
 * undici interceptor.
 */
export { createUmaFetch, type UmaFetch } from './uma-fetch.js'
export {
  createUmaClient,
  type UmaClient,
  type GetRptInput,
  type GetRptResult,
  type ClaimsInteractionInput,
} from './uma-client.js'
export { umaInterceptor } from './interceptor.js'
export type {
  UmaFetchOptions,
  ClaimsContext,
  ClaimToken,
  ClaimsCallback,
  RequestingPartyToken,
  ResourceMetadataMode,
} from './options.js'
export type { PartyOptions } from './party.js'
export type { IssuerCredentials } from './client-credentials.js'
export {
  UmaError,
  isUmaError,
  ID_TOKEN_CLAIM_FORMAT,
  UMA_TICKET_GRANT,
  type UmaErrorCode,
  type RequiredClaim,
  type UmaServerMetadata,
} from '@uma-kit/core'
