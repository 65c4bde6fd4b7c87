/**
 * @module The photo demo's parts, for the end-to-end tests: the scenario, the photo RS, the
 * tracing fetch and the tutorial log.
 */
export { runPhotoScenario, type ScenarioOptions, type ScenarioResult } from './scenario.js'
export { startPhotoServer, type PhotoServer, type PhotoServerOptions } from './photo-server.js'
export { tracingFetch, shortToken, type TraceLine } from './trace.js'
export { createDemoLog, useColour, type DemoLog } from './log.js'
