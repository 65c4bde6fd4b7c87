// The Keycloak the suite runs against, and where it is kept: one pinned version, fetched from
// Maven Central once and reused from a cache outside the repository.
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

/** The pinned Keycloak server distribution (org.keycloak:keycloak-quarkus-dist). */
export const KEYCLOAK_VERSION = '26.7.3'

/** The Maven plugin that fetches and unpacks it, pinned so that every machine runs the same. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'

/** Keycloak 26 runs on Java 17, 21 and 25. */
export const MIN_JAVA_MAJOR = 17

/**
 * Heap of the server: 512 MB is kc.sh's own default outside containers; inside one it would take
 * 70 % of the machine, too much beside the other jobs of a small CI box.
 */
export const DEFAULT_HEAP = '-Xms64m -Xmx512m'

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
