using Azure.Core;
using Azure.Identity;
using LiveCounter.Retention;
using LiveCounter.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Tables;

/// <summary>Wires the Table Storage store from app settings alone; no key or connection string lives in the code.</summary>
public static class CounterStorage
{
    /// <summary>
    /// A connection string (locally <c>UseDevelopmentStorage=true</c> for Azurite), or the prefix of the identity-based
    /// settings <c>CountersStorage__tableServiceUri</c> and <c>CountersStorage__clientId</c>.
    /// </summary>
    public const string Setting = "CountersStorage";

    /// <summary>Whether the settings name a Table Storage account, in either form; Standalone keeps counters in memory otherwise.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[Setting] is { Length: > 0 } || configuration.GetSection(Setting)["tableServiceUri"] is { Length: > 0 };
    }

    public static IServiceCollection AddCounterStorage(this IServiceCollection services)
    {
        services.AddSingleton(provider => Connect(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ICounterStore, TableCounterStore>();
        services.AddSingleton<IExpiredRecords, TableExpiredRecords>();
        services.AddHostedService<CounterTableInitializer>();
        return services;
    }

    /// <exception cref="InvalidOperationException">Neither a connection string nor a table service URI is configured.</exception>
    public static CounterTable Connect(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Setting] is { Length: > 0 } connectionString)
        {
            return CounterTable.Connect(connectionString);
        }

        var identityBased = configuration.GetSection(Setting);
        if (!Uri.TryCreate(identityBased["tableServiceUri"], UriKind.Absolute, out var serviceUri))
        {
            throw new InvalidOperationException(
                $"Configure the counter store: set '{Setting}' to a connection string, or '{Setting}__tableServiceUri' "
                + $"(with '{Setting}__clientId' for a user-assigned managed identity).");
        }

        TokenCredential credential = identityBased["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return CounterTable.Connect(serviceUri, credential);
    }
}
