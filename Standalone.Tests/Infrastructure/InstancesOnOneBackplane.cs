using LiveCounter.Standalone.Realtime;
using LiveCounter.Tables;
using LiveCounter.Tables.Testing;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>
/// Two Standalone instances, each a host of its own on its own port, as <c>--CountersStorage … --RealtimeBackplane …</c>
/// runs them: one Azurite table and one Redis between them.
/// </summary>
public sealed class InstancesOnOneBackplane : IAsyncLifetime
{
    Azurite? _azurite;
    RedisServer? _redis;
    LiveCounterServer? _a;
    LiveCounterServer? _b;

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public LiveCounterServer A => _a ?? throw new InvalidOperationException("Not started.");

    public LiveCounterServer B => _b ?? throw new InvalidOperationException("Not started.");

    /// <summary>Everything instance A logs.</summary>
    public CapturedLogs LogsOfA { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _azurite = await Azurite.StartAsync(cancellationToken);
        _redis = await RedisServer.StartAsync(cancellationToken);
        _a = await StartInstanceAsync(LogsOfA);
        _b = await StartInstanceAsync();
    }

    /// <summary>Another instance on the same table and backplane; the caller disposes it.</summary>
    public async Task<LiveCounterServer> StartInstanceAsync(CapturedLogs? logs = null)
    {
        var instance = new LiveCounterServer()
            .WithSetting(CounterStorage.Setting, _azurite!.ConnectionString())
            .WithSetting(RealtimeBackplane.Setting, Redis.Configuration);
        if (logs is not null)
        {
            instance.WithLogs(logs);
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
