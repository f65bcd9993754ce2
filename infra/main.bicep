// LiveCounter on Azure: one resource group holding the Functions API (Flex Consumption),
// Azure SignalR Service (Serverless), Table Storage, the Static Web App and monitoring.
// Every connection between them uses one user-assigned managed identity; no shared keys.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. Names the resource group and seeds the resource token.')
param environmentName string

// The regions that offer the Flex Consumption plan, as listed by the Azure-Samples Flex
// Consumption quickstart (functions-quickstart-dotnet-azd, infra/main.bicep; its list was last
// refreshed on 2025-05-05), without the quickstart's 'eastus2euap': that is an EUAP (early updates,
// "canary") region, where a subscription cannot create a resource group unless it is enrolled.
// azd offers only these in its prompt.
@minLength(1)
@description('Region for every resource except the Static Web App. Limited to the regions that offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the principal running azd (azd passes AZURE_PRINCIPAL_ID). It gets the same data roles as the app so local runs can use the cloud resources. Empty skips these assignments.')
param principalId string = ''

@description('Kind of principal behind principalId. azd fills AZURE_PRINCIPAL_TYPE in itself (1.17.1 and later): ServicePrincipal when it is signed in with a client id, else User.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Azure SignalR Service SKU. Free_F1: 1 unit, 20 concurrent connections, 20,000 messages a day. Standard_S1: 1,000 concurrent connections per unit, billed per unit and day.')
@allowed([
  'Free_F1'
  'Standard_S1'
])
param signalRSku string = 'Free_F1'

@description('Also accept http://localhost:5173 (the Vite dev server) as a CORS origin on the API and on SignalR. Off by default.')
param allowLocalDevOrigin bool = false

@description('Region for the Static Web App. Empty: the main location when Static Web Apps is offered there, otherwise eastus2.')
param staticWebAppLocation string = ''

@description('Upper bound on Flex Consumption instances; it also bounds the cost.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per Flex Consumption instance, in MB.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

// The platform's default would be 16 at 2,048 MB and 32 at 4,096 MB. The increment handler waits on
// Table Storage and SignalR rather than on the CPU, and group commit batches only the increments of one
// counter that are in flight on one instance at once: more per instance means bigger commits and fewer
// instances. docs/deploy.md ("HTTP concurrency per instance") says why 100 and what it costs.
@description('Concurrent HTTP invocations per Flex Consumption instance (functionAppConfig.scaleAndConcurrency.triggers.http.perInstanceConcurrency). Once set, it stays when instanceMemoryMB changes. The upper bound is this template\'s guard, not a documented platform limit.')
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 100

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Regions that offer Microsoft.Web/staticSites.
var staticWebAppRegions = [
  'centralus'
  'eastasia'
  'eastus2'
  'westeurope'
  'westus2'
]
var webLocation = !empty(staticWebAppLocation) ? staticWebAppLocation : (contains(staticWebAppRegions, location) ? location : 'eastus2')

var localDevOrigin = 'http://localhost:5173'
var countersTableName = 'counters'
var deploymentContainerName = 'app-package-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableName: countersTableName
  }
}

module web 'app/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: 'stapp-${resourceToken}'
    location: webLocation
    tags: tags
  }
}

// The browser origins allowed to call the API and SignalR: exactly the Static Web App,
// plus the Vite dev server when asked for.
var webOrigin = 'https://${web.outputs.defaultHostname}'
var allowedOrigins = allowLocalDevOrigin ? [webOrigin, localDevOrigin] : [webOrigin]

module signalr 'app/signalr.bicep' = {
  name: 'signalr'
  scope: rg
  params: {
    name: 'sigr-${resourceToken}'
    location: location
    tags: tags
    skuName: signalRSku
    allowedOrigins: allowedOrigins
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    signalRName: signalr.outputs.name
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: 'func-api-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    signalRHostName: signalr.outputs.hostName
    allowedOrigins: allowedOrigins
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
  }
  // Create the role assignments before the function app, so they exist when the host first
  // starts (Entra propagation can still take some minutes).
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_STATIC_WEB_APP_NAME string = web.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output API_BASE_URL string = '${api.outputs.url}/api'
output WEB_URL string = web.outputs.url
output SIGNALR_ENDPOINT string = signalr.outputs.endpoint
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
