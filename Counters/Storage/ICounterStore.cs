using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>Where counters live: Table Storage in Azure, memory in Standalone. Both honour exactly these semantics.</summary>
public interface ICounterStore
{
    /// <summary>
    /// Reads a counter (its initial state if never written) and, when a visitor is given, that visitor's total.
    /// The counter must be read before the visitor's total: a commit that lands in between then changes the
    /// counter's concurrency token, so the total read can never be older than the token it is committed with.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">The store could not be reached.</exception>
    ValueTask<CounterState> ReadAsync(CounterName name, VisitorId? visitor, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one increment atomically, or nothing at all: the counter is replaced only if its concurrency token
    /// still matches, the idempotency record (if any) is added only if its key is new, and the visitor's total is set.
    /// </summary>
    ValueTask<CommitOutcome> CommitAsync(PendingIncrement increment, CancellationToken cancellationToken);
}
