using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// Puts a seeded, random latency before and after every call, as a network round trip would, so that writers really do
/// interleave between a read and its commit; in memory the gap is otherwise too short to race reliably.
/// </summary>
public sealed class LatentStore(ICounterStore inner, int seed) : ICounterStore
{
    readonly Random _random = new(seed);

    public async ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        await LatencyAsync();
        var state = await inner.ReadAsync(name, cancellationToken);
        await LatencyAsync();
        return state;
    }

    public async ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        await LatencyAsync();
        var totals = await inner.ReadTotalsAsync(name, visitors, cancellationToken);
        await LatencyAsync();
        return totals;
    }

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        await LatencyAsync();
        var outcome = await inner.CommitAsync(batch, cancellationToken);
        await LatencyAsync();
        return outcome;
    }

    /// <summary>A few hops through the thread pool, now and then a spin: other tasks get to run in between.</summary>
    async Task LatencyAsync()
    {
        int hops, spin;
        lock (_random)
        {
            (hops, spin) = (_random.Next(0, 4), _random.Next(0, 3) == 0 ? _random.Next(100, 3000) : 0);
        }

        for (var i = 0; i < hops; i++)
        {
            await Task.Yield();
        }

        Thread.SpinWait(spin);
    }
}
