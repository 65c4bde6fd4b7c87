/** The core README's challenge example. */
import { formatUmaChallenge, parseUmaChallenge } from '@uma-kit/core'

const field = formatUmaChallenge({ realm: 'photos', asUri: 'https://as.example', ticket: 't1' })
// UMA realm="photos", as_uri="https://as.example", ticket="t1"
const challenge = parseUmaChallenge(`Bearer realm="api", ${field}`)
// { realm: 'photos', asUri: 'https://as.example', ticket: 't1' }

export { challenge, field }
