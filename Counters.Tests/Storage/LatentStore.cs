using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Storage;

/// <summary>
/// Widens the gap between a read and its commit, as a network round trip to Table Storage would, so that
/// parallel writers really do interleave there; in memory the gap is otherwise too short to race reliably.
/// </summary>
public sealed class LatentStore(ICounterStore inner) : ICounterStore
{
    public async ValueTask<CounterState> ReadAsync(CounterName name, VisitorId? visitor, CancellationToken cancellationToken)
    {
        var state = await inner.ReadAsync(name, visitor, cancellationToken);
        Thread.SpinWait(Random.Shared.Next(200, 2000));
        return state;
    }

    public ValueTask<CommitOutcome> CommitAsync(PendingIncrement increment, CancellationToken cancellationToken) =>
        inner.CommitAsync(increment, cancellationToken);
}
