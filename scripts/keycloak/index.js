// The Keycloak launcher of uma-kit's Keycloak suite: fetch the pinned distribution once, start it
// on loopback with the repository's realm, stop it by its process group. Types in index.d.ts.
export { checkPrerequisites } from './prerequisites.js'
export { ensureDistribution } from './distribution.js'
export { startKeycloak } from './server.js'
export { KEYCLOAK_VERSION, REALM_DIR, cacheRoot } from './settings.js'
