// What the Keycloak suite needs on the machine: Java 17 or later and Maven.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import process from 'node:process'
import { MIN_JAVA_MAJOR } from './settings.js'

/**
 * The `java` that kc.sh will run: `$JAVA_HOME/bin/java` when JAVA_HOME is set, as kc.sh does.
 *
 * @returns {string}
 */
function javaCommand() {
  const home = process.env.JAVA_HOME
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java'
}

/**
 * Runs a command for its version banner.
 *
 * @param {string} command
 * @param {string[]} args
 * @returns {string | undefined} stdout and stderr, or undefined when it cannot run
 */
function banner(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 })
  if (result.error !== undefined || result.status !== 0) return undefined
  return `${result.stdout}\n${result.stderr}`
}

/**
 * Checks for Java and Maven.
 *
 * @returns {{ java?: string, maven?: string, missing: string[] }} their versions, and a phrase
 *   per missing tool
 */
export function checkPrerequisites() {
  /** @type {string[]} */
  const missing = []
  /** @type {{ java?: string, maven?: string, missing: string[] }} */
  const found = { missing }
  const javaBanner = banner(javaCommand(), ['-version'])
  const javaVersion = /version "([^"]+)"/.exec(javaBanner ?? '')?.[1]
  const major =
    javaVersion === undefined ? NaN : Number(javaVersion.replace(/^1\./, '').split('.')[0])
  if (javaVersion === undefined) missing.push(`Java ${MIN_JAVA_MAJOR} or later (no java found)`)
  else if (!(major >= MIN_JAVA_MAJOR))
    missing.push(`Java ${MIN_JAVA_MAJOR} or later (found ${javaVersion})`)
  else found.java = javaVersion
  const mavenVersion = /Apache Maven (\S+)/.exec(banner('mvn', ['-v']) ?? '')?.[1]
  if (mavenVersion === undefined) missing.push('Maven (no mvn found)')
  else found.maven = mavenVersion
  return found
}
