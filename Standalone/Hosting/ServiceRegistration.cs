using LiveCounter.Api.Hosting;
using LiveCounter.Api.Http;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Increments;
using LiveCounter.Retention;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Storage;
using LiveCounter.Tables;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Hosting;

public static class ServiceRegistration
{
    /// <summary>
    /// The Api's services over the Table store when <c>CountersStorage</c> is set (as in the Functions app), over the
    /// in-memory store otherwise; the SignalR hub and what it knows of its connections.
    /// </summary>
    public static IServiceCollection AddLiveCounter(this IServiceCollection services, IConfiguration configuration)
    {
        if (CounterStorage.IsConfigured(configuration))
        {
            services.AddCounterStorage();
        }
        else
        {
            services.AddSingleton(new InMemoryCounterStore(InMemoryLimitsFrom(configuration)));
            services.AddSingleton<ICounterStore>(provider => provider.GetRequiredService<InMemoryCounterStore>());
            services.AddSingleton<IExpiredRecords>(provider => provider.GetRequiredService<InMemoryCounterStore>());
        }

        services.AddHostedService<RecordSweeps>();
        services.AddCountersApi(configuration);
        services.AddSignalR()
            .AddJsonProtocol(options => ApiJson.Apply(options.PayloadSerializerOptions))
            .AddRealtimeBackplane(configuration);
        services.AddSingleton<IUserIdProvider, VisitorUserIdProvider>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ISubscriptionGate>(provider => provider.GetRequiredService<ConnectionRegistry>());
        services.AddSingleton<RealtimeSender>();
        return services;
    }

    /// <summary><c>LiveCounter:InMemory:MaxCounters</c>, <c>…:MaxVisitors</c> and <c>…:MaxRecords</c>, each defaulting to <see cref="InMemoryLimits.Default"/>.</summary>
    static InMemoryLimits InMemoryLimitsFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection($"{IncrementOptions.Section}:{InMemoryLimits.Section}");
        var defaults = InMemoryLimits.Default;
        return new InMemoryLimits(
            section.GetValue(nameof(InMemoryLimits.MaxCounters), defaults.MaxCounters),
            section.GetValue(nameof(InMemoryLimits.MaxVisitors), defaults.MaxVisitors),
            section.GetValue(nameof(InMemoryLimits.MaxRecords), defaults.MaxRecords));
    }
}
