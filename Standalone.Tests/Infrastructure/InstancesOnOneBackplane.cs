using System.Diagnostics;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Tables;
using LiveCounter.Tables.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>
/// Two Standalone instances, each a host of its own on its own port, as <c>--CountersStorage … --RealtimeBackplane …</c>
/// runs them: one Azurite table and one Redis between them.
/// </summary>
public sealed class InstancesOnOneBackplane : IAsyncLifetime
{
    /// <summary>A failure bound: StackExchange.Redis reconnects within about a second of Redis being back.</summary>
    static readonly TimeSpan ReconnectPatience = TimeSpan.FromSeconds(30);

    Azurite? _azurite;
    RedisServer? _redis;
    LiveCounterServer? _a;
    LiveCounterServer? _b;

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public LiveCounterServer A => _a ?? throw new InvalidOperationException("Not started.");

    public LiveCounterServer B => _b ?? throw new InvalidOperationException("Not started.");

    /// <summary>Everything instance A logs, at every level.</summary>
    public CapturedLogs LogsOfA { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _azurite = await Azurite.StartAsync(cancellationToken);
        _redis = await RedisServer.StartAsync(cancellationToken);
        _a = await StartInstanceAsync(LogsOfA);
        _b = await StartInstanceAsync();
    }

    /// <summary>
    /// Starts Redis again on its port and waits until both instances are connected to it again, so that what comes
    /// next (a new page connection, which SignalR closes while it cannot reach Redis) meets a working backplane.
    /// </summary>
    public async Task RestartRedisAsync(CancellationToken cancellationToken)
    {
        await Redis.RestartAsync(cancellationToken);
        await UntilConnectedAsync(cancellationToken);
    }

    /// <summary>Lets a frozen Redis go on, and waits until both instances are connected to it.</summary>
    public async Task ThawRedisAsync(CancellationToken cancellationToken)
    {
        await Redis.ThawAsync();
        await UntilConnectedAsync(cancellationToken);
    }

    async Task UntilConnectedAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!new[] { A, B }.All(instance => instance.Services.GetRequiredService<RealtimeBackplane>().IsConnected))
        {
            if (waited.Elapsed > ReconnectPatience)
            {
                throw new TimeoutException($"The instances were not connected to Redis again within {ReconnectPatience.TotalSeconds} s.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Another instance on the same table and backplane; the caller disposes it.</summary>
    public async Task<LiveCounterServer> StartInstanceAsync(CapturedLogs? logs = null)
    {
        var instance = new LiveCounterServer()
            .WithSetting(CounterStorage.Setting, _azurite!.ConnectionString())
            .WithSetting(RealtimeBackplane.Setting, Redis.Configuration);
        if (logs is not null)
        {
            // Every level of every category, as an operator chasing a problem might turn on.
            instance.WithLogs(logs).WithSetting("Logging:LogLevel:Default", "Trace").WithSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        }

        await instance.InitializeAsync();
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in new[] { _a, _b })
        {
            if (instance is not null)
            {
                await instance.DisposeAsync();
            }
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
