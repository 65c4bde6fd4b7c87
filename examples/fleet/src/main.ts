/**
 * `pnpm --filter @uma-kit/example-fleet start`: runs the fleet scenario, printing each step and
 * then the figures, the last line as JSON (`FIGURES {...}`).
 */
import { runFleet } from './fleet.js'

const figures = await runFleet((line) => console.log(line))
console.log(`FIGURES ${JSON.stringify(figures)}`)
