/** @module The client side of the fleet scenario: GETs of the photo, and RPTs minted at the AS. */
import type { TestServer } from '@uma-kit/dev-server/testing'
import type { Instance } from './instances.js'

/** One GET of the photo with an RPT, timed. */
export async function get(instance: Instance, rpt: string) {
  const started = performance.now()
  const res = await fetch(`${instance.url}/photos/1`, {
    headers: { authorization: `Bearer ${rpt}` },
  })
  await res.arrayBuffer()
  return { status: res.status, ms: performance.now() - started }
}

/** `count` requests at once, spread over the instances in turn. */
export async function burst(fleet: Instance[], rpt: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => get(fleet[i % fleet.length] as Instance, rpt)),
  )
}

/** A new RPT for the photo, and the AS's key for it (to revoke it there). */
export async function mint(
  as: TestServer,
  resourceId: string,
): Promise<{ rpt: string; key: string }> {
  const before = new Set(as.state.rpts.keys())
  const rpt = await as.mintRpt({
    permissions: [{ resource_id: resourceId, resource_scopes: ['view'] }],
  })
  const key = [...as.state.rpts.keys()].find((k) => !before.has(k)) as string
  return { rpt, key }
}
