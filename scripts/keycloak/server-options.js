// The command line and environment every Keycloak of the suite starts with.
import process from 'node:process'
import { DEFAULT_HEAP, JAVA_OPTIONS } from './settings.js'

/**
 * Build-time options: a change of any of them makes Keycloak rebuild its image (a minute), so
 * the first start (distribution.js) and every later one pass the same.
 */
export const BUILD_OPTIONS = ['--db=dev-mem', '--health-enabled=true']

/** Every listener on the loopback interface only: the HTTP port and the management port. */
export const LOOPBACK_OPTIONS = ['--http-host=127.0.0.1', '--http-management-host=127.0.0.1']

/**
 * The environment for kc.sh: this process's, without any Keycloak or Quarkus setting a
 * developer may have exported (KC_DB and the like would change what is started), plus ours.
 *
 * @param {{ heap?: string, javaOptions?: string[] }} options
 * @returns {NodeJS.ProcessEnv}
 */
export function keycloakEnv(options) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(KC_|KEYCLOAK_|QUARKUS_|JAVA_OPTS)/.test(name)) continue
    env[name] = value
  }
  env.JAVA_OPTS_KC_HEAP = options.heap ?? DEFAULT_HEAP
  env.JAVA_OPTS_APPEND = [...JAVA_OPTIONS, ...(options.javaOptions ?? [])].join(' ')
  return env
}
