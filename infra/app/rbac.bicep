// Role assignments, least privilege, each scoped to the one resource it is for.
//
// App identity:
//   Storage Blob Data Owner         storage account  host blobs (keys, leases) and the deployment package
//   Storage Table Data Contributor  storage account  counters table (account scope, so create-if-missing works)
//   SignalR Service Owner           SignalR          negotiate (temporary signing key for client tokens) and
//                                                    the data-plane send/group API used by the output binding
//   Monitoring Metrics Publisher    App Insights     telemetry with local auth disabled
// No Storage Queue Data Contributor: nothing in an HTTP-only app uses queues.
//
// Developer (the principal running azd), when given: the same four data roles, so the app can
// run locally against the cloud resources.
param storageAccountName string
param applicationInsightsName string
param signalRName string

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Principal (object) id of the developer; empty skips the developer assignments.')
param developerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

// Built-in role definition ids (the same in every tenant).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var signalRServiceOwner = '7e4f1700-ea5a-4f59-8f37-079cfe29dce3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var storageRoles = [
  storageBlobDataOwner
  storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
}

// ---- app identity ----

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in storageRoles: {
  name: guid(storage.id, appPrincipalId, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource appSignalR 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signalR.id, appPrincipalId, signalRServiceOwner)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', signalRServiceOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appMonitoring 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- developer (optional) ----

resource devStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in storageRoles: if (!empty(developerPrincipalId)) {
  name: guid(storage.id, developerPrincipalId, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}]

resource devSignalR 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(signalR.id, developerPrincipalId, signalRServiceOwner)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', signalRServiceOwner)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

resource devMonitoring 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(applicationInsights.id, developerPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}
