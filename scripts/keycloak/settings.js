// The Keycloak the suite runs against, and where it is kept: one pinned version, fetched from
// Maven Central once and reused from a cache outside the repository.
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

/**
 * The pinned Keycloak server distribution (org.keycloak:keycloak-quarkus-dist).
 * UMA_KIT_KEYCLOAK_VERSION tries another one (Maven Central serves 26.4.0 to 26.7.3 here).
 */
export const KEYCLOAK_VERSION = process.env.UMA_KIT_KEYCLOAK_VERSION || '26.7.3'

/** The Maven plugin that fetches and unpacks it, pinned so that every machine runs the same. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'

/** Keycloak 26 runs on Java 17, 21 and 25. */
export const MIN_JAVA_MAJOR = 17

/**
 * Heap of the server: 512 MB is kc.sh's own default outside containers; inside one it would take
 * 70 % of the machine, too much beside the other jobs of a small CI box.
 */
export const DEFAULT_HEAP = '-Xms64m -Xmx512m'

/**
 * JVM options of every start: the client compiler only. A test server lives minutes, so the
 * optimising compiler's work never pays off; without it Keycloak started in half the CPU time
 * (30 s instead of 60 s on this project's 2-core machine) and 50-80 MB less memory.
 */
export const JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1']

/** The realm files the suite imports (`*-realm.json`, as Keycloak's directory import wants). */
export const REALM_DIR = join(import.meta.dirname, '..', '..', 'test', 'keycloak', 'realm')

/**
 * `$XDG_CACHE_HOME/uma-kit` or `~/.cache/uma-kit`.
 *
 * @returns {string}
 */
export function cacheRoot() {
  const xdg = process.env.XDG_CACHE_HOME
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'uma-kit')
}
