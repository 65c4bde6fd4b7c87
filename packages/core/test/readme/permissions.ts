/** The core README's permissions example. */
import { normalizePermissions } from '@uma-kit/core'

const permissions = normalizePermissions({
  active: true,
  authorization: { permissions: [{ rsid: 'r7', rsname: 'Album 7', scopes: ['view'] }] },
})
// [{ resource_id: 'r7', resource_scopes: ['view'] }]

export { permissions }
