/** The client README's per-AS registrations example, run by `rpt-per-as.test.ts`. */
import { createUmaFetch } from '@uma-kit/client'

const aliceAs = process.env.ALICE_AS ?? 'https://as.alice.example'
const daveAs = process.env.DAVE_AS ?? 'https://as.dave.example'

const umaFetch = createUmaFetch({
  trustedIssuers: [aliceAs, daveAs],
  clientId: 'bob-app', // for every AS that `clients` does not name
  clients: {
    [aliceAs]: { clientId: 'bob-app', clientSecret: process.env.SECRET_AT_ALICE },
    [daveAs]: { clientId: 'bob-app', clientSecret: process.env.SECRET_AT_DAVE },
  },
})

export { umaFetch }
