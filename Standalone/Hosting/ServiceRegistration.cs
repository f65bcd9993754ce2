using LiveCounter.Increments;
using LiveCounter.Reading;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Storage;
using LiveCounter.Wire;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Hosting;

public static class ServiceRegistration
{
    /// <summary>Counters' use cases over the in-memory store, the SignalR hub, and the shared JSON options.</summary>
    public static IServiceCollection AddLiveCounter(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ICounterStore, InMemoryCounterStore>();
        services.AddSingleton(sp => new IncrementCounter(sp.GetRequiredService<ICounterStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<GetCounter>();

        services.ConfigureHttpJsonOptions(options => CountersJson.Apply(options.SerializerOptions));
        services.AddSignalR().AddJsonProtocol(options => CountersJson.Apply(options.PayloadSerializerOptions));
        services.AddSingleton<IUserIdProvider, VisitorUserIdProvider>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<RealtimeSender>();
        return services;
    }
}
