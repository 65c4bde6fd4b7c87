/** The pinned Keycloak version. */
export declare const KEYCLOAK_VERSION: string
/** The directory of the realm files imported at start (`test/keycloak/realm`). */
export declare const REALM_DIR: string
/** `$XDG_CACHE_HOME/uma-kit` or `~/.cache/uma-kit`. */
export declare function cacheRoot(): string

/** Java and Maven as found; `missing` names what the suite needs and lacks. */
export declare function checkPrerequisites(): { java?: string; maven?: string; missing: string[] }

/** The Keycloak home in the cache, fetched with Maven and primed when missing. */
export declare function ensureDistribution(options?: {
  version?: string
  log?: (line: string) => void
}): Promise<string>

/** Options of {@link startKeycloak}. */
export interface StartOptions {
  /** The Keycloak home (from {@link ensureDistribution}). */
  home: string
  /** Directory of `*-realm.json` files to import. @default REALM_DIR */
  importDir?: string
  /** HTTP port. @default 0 (a free one) */
  port?: number
  /** Management port (health). @default 0 (a free one) */
  managementPort?: number
  /** JAVA_OPTS_KC_HEAP. @default '-Xms64m -Xmx512m' */
  heap?: string
  /** More JVM options (JAVA_OPTS_APPEND). */
  javaOptions?: string[]
  /** Give up after this long. @default 300000 */
  readyTimeoutMs?: number
  /** Each line of Keycloak's log. */
  onLog?: (line: string) => void
}

/** A running Keycloak. */
export interface KeycloakServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly managementPort: number
  /** The process group: kc.sh and its java. */
  readonly pid: number
  /** From spawn to ready. */
  readonly bootMs: number
  /** Resident memory of the group in kB (Linux). */
  rssKb(): number | undefined
  /** Every `address:port` the group listens on (Linux). */
  listeningSockets(): string[] | undefined
  /** The last lines of its log. */
  logTail(): string[]
  /** SIGTERM to the group, SIGKILL after 20 s. */
  stop(): Promise<void>
}

/** Starts Keycloak in development mode, in-memory, on loopback, and waits for readiness. */
export declare function startKeycloak(options: StartOptions): Promise<KeycloakServer>
