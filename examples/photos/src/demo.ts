/**
 * `pnpm demo`: the photo-sharing scenario of the UMA specs with two owners and two ASes, told as
 * it happens. Starts Alice's AS, Dave's AS and the photo RS on free ports of 127.0.0.1, runs
 * Bob's and Carol's clients, shuts everything down, and exits 0 only when every step went as
 * expected. `--keycloak` runs it against the ASes' Keycloak wire shape.
 */
import { runDemo } from './demo-main.js'

process.exitCode = await runDemo({
  argv: process.argv.slice(2),
  write: (line) => {
    process.stdout.write(`${line}\n`)
  },
  isTTY: process.stdout.isTTY,
  env: process.env,
})
