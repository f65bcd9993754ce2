using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>Where counters live: Table Storage in Azure, memory in Standalone. Both honour exactly these semantics.</summary>
public interface ICounterStore
{
    /// <summary>The counter as committed now (its initial state if never written) and its concurrency token.</summary>
    /// <exception cref="CounterStoreUnavailableException">The store could not be reached.</exception>
    ValueTask<CounterState> ReadAsync(CounterName name, CancellationToken cancellationToken);

    /// <summary>
    /// The running totals of <paramref name="visitors"/> on the counter (0 for a visitor who never incremented it).
    /// Totals read after a token was read are never older than that token: whoever commits with it sees them current,
    /// or fails its commit with a conflict because another commit moved the token.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">The store could not be reached.</exception>
    ValueTask<IReadOnlyDictionary<VisitorId, long>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a whole batch atomically, or nothing: the counter is replaced only if its token is still the batch's
    /// base token, every record is added only if its key is new, and the visitors' totals are set. The outcome is
    /// exact: <see cref="CommitOutcome.Unknown"/> only when the store could not find out whether the batch was applied,
    /// and then sending the same batch again is safe (it can be applied at most once).
    /// </summary>
    ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken);
}
