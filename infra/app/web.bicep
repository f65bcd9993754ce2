// Static Web App (Free) that serves the built pages from web/dist. azd finds it by the
// azd-service-name tag and uploads the files; there is no build or API inside SWA.
param name string

@description('A region that offers Microsoft.Web/staticSites.')
param location string
param tags { *: string } = {}

resource web 'Microsoft.Web/staticSites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'web'
  })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    provider: 'Custom'
  }
}

output name string = web.name
output defaultHostname string = web.properties.defaultHostname
output url string = 'https://${web.properties.defaultHostname}'
