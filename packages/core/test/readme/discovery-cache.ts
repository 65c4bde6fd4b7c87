/** The core README's discovery-cache example. */
import { createDiscoveryCache } from '@uma-kit/core'

const discovery = createDiscoveryCache({ ttlSeconds: 600 })
const [a, b] = await Promise.all([
  discovery.get('https://as.example'),
  discovery.get('https://as.example/'),
])
console.log(a === b) // true: one request

export { a, b }
