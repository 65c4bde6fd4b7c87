/** The resource-server README's Protection API example. */
import { createResourceServer } from '@uma-kit/resource-server'

const rs = createResourceServer({
  issuer: process.env.UMA_ISSUER ?? 'https://kc.example/realms/photos',
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
})
const id = await rs.resources.ensure({ name: 'photo.jpg', resource_scopes: ['view', 'print'] })
const description = await rs.resources.read(id) // { _id, name, resource_scopes: ['view', 'print'], … }
const ids = await rs.resources.list() // every id, paged where the AS pages (Keycloak)
const ticket = await rs.requestTicket([{ resource_id: id, resource_scopes: ['view'] }])
const answer = await rs.introspect(process.env.RPT ?? 'an-rpt') // through the cache, frozen

export { answer, description, ids, rs, ticket }
