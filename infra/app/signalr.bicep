// Azure SignalR Service in Serverless mode: no app server holds connections; the
// functions negotiate client tokens and send through the service's data-plane API.
// Local (key) authentication is disabled, so only Entra identities can use it.
param name string
param location string = resourceGroup().location
param tags { *: string } = {}

@allowed([
  'Free_F1'
  'Standard_S1'
])
param skuName string = 'Free_F1'

@description('Browser origins allowed to call the service (the web site).')
param allowedOrigins string[]

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    tier: skuName == 'Free_F1' ? 'Free' : 'Standard'
    capacity: 1
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = signalR.name
output hostName string = signalR.properties.hostName
output endpoint string = 'https://${signalR.properties.hostName}'
