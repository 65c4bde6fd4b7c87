/**
 * What a run saw and what it expected: every exchange and every decision of the RS, and a tick
 * or a cross per expectation. A cross is recorded, so the run, and `pnpm demo`, fail.
 */
import type { DecisionEvent } from '@uma-kit/resource-server'
import type { DemoLog } from './log.js'
import type { TraceLine } from './trace.js'

/** What happened from a point of the run on. */
export interface Since {
  /** Exchanges since then. */
  exchanges(filter?: Partial<Pick<TraceLine, 'actor' | 'peer' | 'kind' | 'direction'>>): TraceLine[]
  /** The RS's decisions since then. */
  decisions(): DecisionEvent[]
}

/** The run's record. */
export interface RunRecord {
  /** Expectations that failed, in order. */
  readonly failures: string[]
  /** The RS's decisions, in order. */
  readonly decisions: readonly DecisionEvent[]
  /** Reports an exchange: logs and keeps it. */
  exchange(line: TraceLine): void
  /** Keeps a decision of the RS. */
  decision(event: DecisionEvent): void
  /** Checks an expectation: a tick, or a cross and a failure. */
  expect(ok: boolean, text: string): void
  /** Marks this point of the run, to look at what happens after it. */
  mark(): Since
}

/**
 * Creates an empty record.
 *
 * @param log - where ticks, crosses and exchanges are written
 * @returns the record
 */
export function createRunRecord(log: DemoLog): RunRecord {
  const failures: string[] = []
  const exchanges: TraceLine[] = []
  const decisions: DecisionEvent[] = []
  return {
    failures,
    decisions,
    exchange(line) {
      exchanges.push(line)
      log.exchange(line)
    },
    decision(event) {
      decisions.push(event)
    },
    expect(ok, text) {
      if (ok) log.ok(text)
      else {
        log.fail(text)
        failures.push(text)
      }
    },
    mark() {
      const e = exchanges.length
      const d = decisions.length
      return {
        exchanges: (filter = {}) =>
          exchanges
            .slice(e)
            .filter((line) =>
              Object.entries(filter).every(
                ([key, value]) => line[key as keyof typeof filter] === value,
              ),
            ),
        decisions: () => decisions.slice(d),
      }
    },
  }
}
