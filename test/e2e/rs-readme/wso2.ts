/** The resource-server README's WSO2 Identity Server configuration. */
import { createResourceServer } from '@uma-kit/resource-server'

const wso2 = process.env.WSO2_URL ?? 'https://wso2.example:9443' // no discovery document there
const rs = createResourceServer({
  issuer: `${wso2}/oauth2/token`,
  clientId: 'photo-rs',
  clientSecret: process.env.RS_SECRET,
  introspectionAuth: 'pat', // WSO2 takes the PAT at introspection
  metadata: {
    token_endpoint: `${wso2}/oauth2/token`,
    introspection_endpoint: `${wso2}/oauth2/introspect`,
    resource_registration_endpoint: `${wso2}/api/identity/oauth2/uma/resourceregistration/v1.0/resource`,
    permission_endpoint: `${wso2}/api/identity/oauth2/uma/permission/v1.0/permission`,
  },
})

export { rs }
