/**
 * Who is who in the tutorial log: which origin is the photo RS and which is whose AS, and which
 * resource id is which photo, so that lines name `AS alice` and `photo.jpg`, not ports and ids.
 * Filled in as the servers start and the photos are registered.
 */

/** The names the log uses, learnt as the run goes. */
export interface Cast {
  /** `RS`, `AS alice`, `AS dave`, or the origin itself for a server not in the cast. */
  peerOf(url: URL): string
  /** The path of a URL, an AS's issuer path cut to `…` (`…/protocol/openid-connect/token`). */
  pathOf(url: URL): string
  /** `AS alice` for Alice's issuer; an unknown issuer as it is. */
  asName(issuer: string): string
  /** `photo.jpg` for the id an AS gave it; an unknown id cut short. */
  resourceName(id: string): string
  /** Names an AS by its issuer (its origin then names it too). */
  addAs(name: string, issuer: string): void
  /** Names the RS's origin. */
  addRs(url: string): void
  /** Names a registered resource. */
  addResource(id: string, name: string): void
}

/**
 * Creates an empty cast.
 *
 * @returns the cast
 */
export function createCast(): Cast {
  const origins = new Map<string, string>()
  const issuers = new Map<string, string>()
  const resources = new Map<string, string>()
  const issuerPaths = new Map<string, string>()
  return {
    peerOf: (url) => origins.get(url.origin) ?? url.origin,
    pathOf(url) {
      const base = issuerPaths.get(url.origin) ?? ''
      return base !== '' && url.pathname.startsWith(`${base}/`)
        ? `…${url.pathname.slice(base.length)}`
        : url.pathname
    },
    asName: (issuer) => issuers.get(issuer.replace(/\/$/, '')) ?? issuer,
    resourceName: (id) => resources.get(id) ?? (id.length > 13 ? `${id.slice(0, 13)}…` : id),
    addAs(name, issuer) {
      const url = new URL(issuer)
      issuers.set(issuer.replace(/\/$/, ''), name)
      origins.set(url.origin, name)
      issuerPaths.set(url.origin, url.pathname.replace(/\/$/, ''))
    },
    addRs(url) {
      origins.set(new URL(url).origin, 'RS')
    },
    addResource(id, name) {
      resources.set(id, name)
    },
  }
}
