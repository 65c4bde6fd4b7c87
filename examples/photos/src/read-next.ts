/**
 * The files the tutorial points to when it ends, each checked to exist in the repository: a
 * list that names a file since moved would send readers nowhere, so a missing one fails the run.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A file to read next, relative to the repository's root. */
export interface ReadNext {
  readonly path: string
  readonly why: string
  /** Listed only where present (a guide that may not be written yet). */
  readonly optional?: boolean
}

/** The repository's root, from this file in examples/photos/src. */
export const REPOSITORY_ROOT: URL = new URL('../../../', import.meta.url)

/** What to read after the demo, in order. */
export const READ_NEXT: readonly ReadNext[] = [
  {
    path: 'examples/photos/src/photo-server.ts',
    why: 'the RS: one createResourceServer for two ASes (issuerFor, RFC 9728, ready)',
  },
  { path: 'examples/photos/src/photo-routes.ts', why: "the RS's routes: requireUmaScope" },
  {
    path: 'examples/photos/src/scenario.ts',
    why: "the clients: one createUmaFetch trusting both ASes, and the run's checks",
  },
  { path: 'packages/resource-server/README.md', why: 'every option of the RS' },
  { path: 'packages/client/README.md', why: 'every option of the client' },
  { path: 'packages/dev-server/README.md', why: 'the development AS: its CLI, shapes, policies' },
  { path: 'docs/keycloak.md', why: 'the same against a real Keycloak', optional: true },
]

/**
 * Which files exist, and which required ones are missing.
 *
 * @param root - the repository's root
 * @returns the files to list, and the paths missing
 */
export function readNext(root: URL = REPOSITORY_ROOT): {
  listed: ReadNext[]
  missing: string[]
} {
  const present = (entry: ReadNext) => existsSync(fileURLToPath(new URL(entry.path, root)))
  return {
    listed: READ_NEXT.filter(present),
    missing: READ_NEXT.filter((entry) => entry.optional !== true && !present(entry)).map(
      (entry) => entry.path,
    ),
  }
}
