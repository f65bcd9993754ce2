// The user-assigned managed identity the function app uses for everything:
// host storage, the deployment container, the counters table, SignalR and Application Insights.
param name string
param location string = resourceGroup().location
param tags { *: string } = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
