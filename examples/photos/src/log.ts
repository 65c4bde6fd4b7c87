/**
 * The demo's console output: numbered steps, one coloured line per exchange, a tick or a cross
 * per expectation. Colour only on a terminal, and never with `NO_COLOR` set.
 */
import type { TraceLine } from './trace.js'

type Colour = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan'

const CODES: Record<Colour, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
}

/** The width of the actor and peer columns: `AS alice`. */
const WHO = 8

/** Where the demo writes, and whether it may colour. */
export interface DemoLog {
  /** A numbered step heading. */
  step(title: string): void
  /** One exchange of a client with the RS or the AS. */
  exchange(line: TraceLine): void
  /** Something that happened at a server, told in words. */
  note(who: string, text: string): void
  /** An expectation met. */
  ok(text: string): void
  /** An expectation missed. */
  fail(text: string): void
  /** Plain text. */
  info(text: string): void
}

/** Tells whether to colour: a terminal, `NO_COLOR` unset, or `FORCE_COLOR` set. */
export function useColour(
  stream: { isTTY?: boolean | undefined },
  env: NodeJS.ProcessEnv,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

/**
 * Creates the log.
 *
 * @param write - where each line goes
 * @param colour - whether to colour
 * @returns the log
 */
export function createDemoLog(write: (line: string) => void, colour: boolean): DemoLog {
  const paint = (c: Colour, text: string) =>
    colour ? `\u001b[${CODES[c][0]}m${text}\u001b[${CODES[c][1]}m` : text
  let steps = 0
  return {
    step(title) {
      steps += 1
      write('')
      write(paint('bold', `${steps}. ${title}`))
    },
    exchange(line) {
      const arrow = line.direction === 'request' ? '→' : '←'
      // pad before painting: escape codes have no width on screen
      const peer = paint(line.peer === 'RS' ? 'cyan' : 'magenta', line.peer.padEnd(WHO))
      const padded = line.what.padEnd(24)
      const what =
        line.direction === 'request' ? padded : paint(line.ok === true ? 'green' : 'yellow', padded)
      write(`   ${line.actor.padEnd(WHO)} ${arrow} ${peer} ${what} ${paint('dim', line.detail)}`)
    },
    note(who, text) {
      write(`   ${paint('blue', who.padEnd(WHO))}   ${text}`)
    },
    ok(text) {
      write(`   ${paint('green', '✔')} ${text}`)
    },
    fail(text) {
      write(`   ${paint('red', '✘')} ${paint('red', text)}`)
    },
    info(text) {
      write(text)
    },
  }
}
