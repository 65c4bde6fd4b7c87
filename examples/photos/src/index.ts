/**
 * @module The photo demo's parts, for the end-to-end tests: the demo and its scenario, the
 * photo RS, the owners' ASes, the tracing fetch and the tutorial log.
 */
export { runDemo, type DemoOptions } from './demo-main.js'
export { runPhotoScenario, type ScenarioOptions, type ScenarioResult } from './scenario.js'
export {
  startPhotoServer,
  type PhotoOwner,
  type PhotoServer,
  type PhotoServerOptions,
} from './photo-server.js'
export type { PhotoEntry, Served } from './photo-routes.js'
export { DAVE_CONFIG_URL, startOwnerAses, type DemoShape, type OwnerAs } from './owner-ases.js'
export { READ_NEXT, REPOSITORY_ROOT, readNext, type ReadNext } from './read-next.js'
export { createCast, type Cast } from './cast.js'
export { tracingFetch, shortToken, type ExchangeKind, type TraceLine } from './trace.js'
export { createDemoLog, useColour, type DemoLog } from './log.js'
