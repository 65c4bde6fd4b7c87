/** The core README's discovery example. */
import { discover } from '@uma-kit/core'

const metadata = await discover('https://kc.example/realms/photoz', { timeoutMs: 3000 })
console.log(metadata.permission_endpoint)

export { metadata }
