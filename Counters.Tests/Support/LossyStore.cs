using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// Loses answers the way a network does: a commit that reached the store and was applied comes back as
/// <see cref="CommitOutcome.Unknown"/>, and one that never reached it does too. <see cref="LoseNext"/> picks the next
/// commit; a seeded rate picks commits at random.
/// </summary>
public sealed class LossyStore(ICounterStore inner, double rate = 0, int seed = 0) : ICounterStore
{
    readonly Random _random = new(seed);
    readonly Queue<Loss> _planned = new();

    public enum Loss
    {
        /// <summary>The commit never reached the store.</summary>
        Request,

        /// <summary>The commit was applied; its answer never came back.</summary>
        Answer,
    }

    public int Lost { get; private set; }

    public void LoseNext(Loss loss)
    {
        lock (_planned)
        {
            _planned.Enqueue(loss);
        }
    }

    public ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken) => inner.ReadAsync(name, cancellationToken);

    public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken) =>
        inner.ReadTotalsAsync(name, visitors, cancellationToken);

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        Loss? loss;
        lock (_planned)
        {
            loss = _planned.TryDequeue(out var planned) ? planned
                : _random.NextDouble() < rate ? (_random.Next(2) == 0 ? Loss.Request : Loss.Answer)
                : null;
            Lost += loss is null ? 0 : 1;
        }

        if (loss == Loss.Request)
        {
            return new CommitOutcome.Unknown();
        }

        var outcome = await inner.CommitAsync(batch, cancellationToken);
        return loss == Loss.Answer ? new CommitOutcome.Unknown() : outcome;
    }
}
