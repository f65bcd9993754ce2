using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>Where counters live: Table Storage in Azure, memory in Standalone. Both honour exactly these semantics.</summary>
public interface ICounterStore
{
    /// <summary>Every lane of the counter as committed now (none if it was never written), each with its token.</summary>
    /// <exception cref="CounterStoreUnavailableException">The store could not be reached.</exception>
    ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken);

    /// <summary>The running totals of <paramref name="visitors"/> on the counter, each with its token (<see cref="VisitorTotal.None"/> for a visitor who never incremented it).</summary>
    /// <exception cref="CounterStoreUnavailableException">The store could not be reached.</exception>
    ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a whole batch atomically, or nothing: the lane is replaced only if its token is still the batch's, every
    /// record is added only if its key is new, and each visitor's total is set only if its token is still the batch's.
    /// The outcome is exact: <see cref="CommitOutcome.Unknown"/> only when the store could not find out whether the
    /// batch was applied, and then sending the same batch again is safe (it can be applied at most once).
    /// </summary>
    ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken);
}
