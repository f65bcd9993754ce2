// The Functions API on a Flex Consumption (FC1, Linux) plan, .NET isolated worker.
// Flex Consumption takes the runtime, scale and deployment source from functionAppConfig,
// so the classic worker-runtime, extension-version and run-from-package app settings are
// deliberately absent. Every connection is identity based, through one user-assigned identity.
param name string
param planName string
param location string = resourceGroup().location
param tags { *: string } = {}

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the same identity; the Azure SDKs pick the identity by it.')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string

@description('Host name of the Azure SignalR Service instance.')
param signalRHostName string

@description('Browser origins allowed by CORS (the web site, optionally the Vite dev server).')
param allowedOrigins string[]

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

@description('Concurrent HTTP invocations per instance; all HTTP functions of the app scale together as one group.')
@minValue(1)
param httpPerInstanceConcurrency int = 100

@description('.NET version for the dotnet-isolated runtime on Flex Consumption.')
param runtimeVersion string = '10.0'

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      // The SignalR JavaScript client sends credentials on negotiate, so the origin must be
      // listed exactly (no wildcard) and credentials allowed.
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: true
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage. The host of an HTTP-only app uses blobs (keys, leases); it needs no
      // queue or table endpoint, so none is configured and no queue role is granted.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob

      // The counters table (read by the app's Table Storage store).
      CountersStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      CountersStorage__credential: 'managedidentity'
      CountersStorage__clientId: identityClientId

      // SignalR bindings (connection-info input and output), default setting name.
      AzureSignalRConnectionString__serviceUri: 'https://${signalRHostName}'
      AzureSignalRConnectionString__credential: 'managedidentity'
      AzureSignalRConnectionString__clientId: identityClientId

      // Telemetry. The connection string only locates the component (no secret); with local
      // auth disabled on the component, ingestion is authorised by the identity below.
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    }
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output url string = 'https://${functionApp.properties.defaultHostName}'
