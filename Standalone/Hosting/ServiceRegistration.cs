using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Reading;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Storage;
using LiveCounter.Tables;
using LiveCounter.Wire;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Hosting;

public static class ServiceRegistration
{
    /// <summary>
    /// Counters' use cases over the Table store when <c>CountersStorage</c> is set (as in the Functions app), over the
    /// in-memory store otherwise; the SignalR hub; the shared JSON options.
    /// </summary>
    public static IServiceCollection AddLiveCounter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        if (CounterStorage.IsConfigured(configuration))
        {
            services.AddCounterStorage();
        }
        else
        {
            services.AddSingleton<ICounterStore, InMemoryCounterStore>();
        }

        services.AddSingleton<CounterMetrics>();
        var groupCommit = configuration.GetValue(IncrementOptions.Section + ":" + nameof(IncrementOptions.GroupCommit), defaultValue: true);
        services.AddSingleton(sp => new IncrementCounter(
            sp.GetRequiredService<ICounterStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CounterMetrics>(),
            IncrementOptions.Default with { GroupCommit = groupCommit },
            Random.Shared));
        services.AddSingleton<GetCounter>();

        services.ConfigureHttpJsonOptions(options => CountersJson.Apply(options.SerializerOptions));
        services.AddSignalR().AddJsonProtocol(options => CountersJson.Apply(options.PayloadSerializerOptions));
        services.AddSingleton<IUserIdProvider, VisitorUserIdProvider>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<RealtimeSender>();
        return services;
    }
}
