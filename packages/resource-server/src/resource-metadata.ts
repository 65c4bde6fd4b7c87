/**
 * @module RFC 9728 protected-resource metadata: the document the RS serves at
 * `/.well-known/oauth-protected-resource` (path-inserted for a resource with a path), naming
 * every AS it works with, and the URL its challenges point to.
 */
import { argumentError, isHttpsOrLoopback, readOptions } from '@uma-kit/core/internal'
import type { RequestHandler } from 'express'

/** What the RS says of itself in its RFC 9728 document; `authorization_servers` is filled in. */
export interface ResourceMetadataOptions {
  /** The resource identifier: an https URL (http on loopback), no fragment (RFC 9728 §2). */
  resource: string | URL
  /** A name for people (RFC 9728 §2 `resource_name`). */
  resource_name?: string | undefined
  /** The scopes the RS uses. @default every scope given to `requireUmaScope` so far */
  scopes_supported?: readonly string[] | undefined
  /** Documentation for developers. */
  resource_documentation?: string | undefined
  /** The RS's policy on how data is used. */
  resource_policy_uri?: string | undefined
  /** The RS's terms of service. */
  resource_tos_uri?: string | undefined
}

/** The metadata after checks. */
export interface ResolvedResourceMetadata {
  /** The `resource` value, serialised. */
  readonly resource: string
  /** Where the document is served: the path to mount `protectedResourceMetadata` at. */
  readonly path: string
  /** The document's absolute URL, named in challenges (`resource_metadata`). */
  readonly url: string
  /** The members given, other than `resource`. */
  readonly members: Readonly<Record<string, string | readonly string[]>>
  readonly scopesGiven: boolean
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource'
const URL_MEMBERS = ['resource_documentation', 'resource_policy_uri', 'resource_tos_uri'] as const

function checkUrl(name: string, value: unknown): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw argumentError('ERR_INVALID_ARG_VALUE', `options.resourceMetadata.${name} must be a URL`)
  }
  if (!isHttpsOrLoopback(url) || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw argumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.resourceMetadata.${name} must be an https URL (http on loopback) without fragment or credentials`,
    )
  }
  return url.href
}

/**
 * Checks the `resourceMetadata` option.
 *
 * @param value - the option
 * @returns the resolved metadata, or `undefined` when none is served
 * @throws {TypeError} naming the bad member
 */
export function resolveResourceMetadata(value: unknown): ResolvedResourceMetadata | undefined {
  if (value === undefined) return undefined
  const o = readOptions<Record<keyof ResourceMetadataOptions, unknown>>(
    value,
    'options.resourceMetadata',
  )
  const resource = new URL(checkUrl('resource', o.resource))
  // RFC 9728 §3.1: the well-known suffix goes between host and path
  const tail = resource.pathname === '/' ? '' : resource.pathname.replace(/\/$/, '')
  const path = `${WELL_KNOWN}${tail}`
  const members: Record<string, string | readonly string[]> = {}
  if (o.resource_name !== undefined) {
    if (typeof o.resource_name !== 'string' || o.resource_name.length > 200) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        'options.resourceMetadata.resource_name must be a short string',
      )
    }
    members.resource_name = o.resource_name
  }
  for (const name of URL_MEMBERS) {
    if (o[name] !== undefined) members[name] = checkUrl(name, o[name])
  }
  const scopes: unknown = o.scopes_supported
  if (scopes !== undefined) {
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && s !== '')) {
      throw argumentError(
        'ERR_INVALID_ARG_VALUE',
        'options.resourceMetadata.scopes_supported must be an array of scope names',
      )
    }
    members.scopes_supported = Object.freeze([...(scopes as string[])])
  }
  return Object.freeze({
    resource: o.resource instanceof URL ? o.resource.href : String(o.resource),
    path,
    url: `${resource.origin}${path}`,
    members: Object.freeze(members),
    scopesGiven: scopes !== undefined,
  })
}

/**
 * The handler that serves the document: GET and HEAD, JSON, cacheable for five minutes (ASes
 * may be added while the RS runs). Without `resourceMetadata` it passes the request on.
 *
 * @param metadata - the resolved option
 * @param issuers - the configured issuers, at the time of the request
 * @param scopesUsed - every scope given to `requireUmaScope`
 * @returns the handler
 * @see RFC 9728 §2, §3
 */
export function createProtectedResourceMetadata(
  metadata: ResolvedResourceMetadata | undefined,
  issuers: () => readonly string[],
  scopesUsed: ReadonlySet<string>,
): RequestHandler {
  return function protectedResourceMetadata(req, res, next) {
    if (metadata === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next()
      return
    }
    const document = {
      resource: metadata.resource,
      authorization_servers: issuers(),
      ...(metadata.scopesGiven ? {} : { scopes_supported: [...scopesUsed] }),
      ...metadata.members,
      // uma-kit reads the RPT from the Authorization header only (RFC 6750 §2.1)
      bearer_methods_supported: ['header'],
    }
    res.set('cache-control', 'public, max-age=300').json(document)
  }
}
