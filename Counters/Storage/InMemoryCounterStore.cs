using System.Collections.Concurrent;
using System.Globalization;
using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>
/// The Table store's semantics in memory: one partition per counter, committed all-or-nothing under the
/// partition's lock, with the same conditional replace, idempotency records and visitor totals.
/// </summary>
/// <remarks>
/// It deliberately keeps optimistic concurrency instead of simply incrementing under the lock, so that the use
/// case's conflict handling is exercised by every Standalone run and test exactly as it is against Table Storage.
/// </remarks>
public sealed class InMemoryCounterStore : ICounterStore
{
    readonly ConcurrentDictionary<CounterName, Partition> _partitions = new();

    public ValueTask<CounterState> ReadAsync(CounterName name, VisitorId? visitor, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(name, out var partition))
        {
            return ValueTask.FromResult(new CounterState(CounterSnapshot.Initial(name), null, 0));
        }

        lock (partition)
        {
            var total = visitor is not null && partition.VisitorTotals.TryGetValue(visitor, out var t) ? t : 0;
            return ValueTask.FromResult(new CounterState(partition.Counter, TokenOf(partition.Counter), total));
        }
    }

    public ValueTask<CommitOutcome> CommitAsync(PendingIncrement increment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increment);
        var partition = _partitions.GetOrAdd(increment.Name, static name => new Partition(CounterSnapshot.Initial(name)));
        var result = increment.Result;

        lock (partition)
        {
            // The key is checked first, as the Table store orders the key row first in its transaction: a replay
            // is then recognised at once instead of after a pointless conflict.
            if (increment.Key is { } key && partition.Records.TryGetValue((result.Visitor, key), out var recorded))
            {
                return ValueTask.FromResult<CommitOutcome>(new CommitOutcome.AlreadyRecorded(recorded));
            }

            if (!string.Equals(TokenOf(partition.Counter), increment.ExpectedToken, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(CommitOutcome.Conflict);
            }

            partition.Counter = result.Counter;
            if (increment.Key is { } newKey)
            {
                partition.Records.Add((result.Visitor, newKey), result);
            }

            if (result.Visitor is not null && result.VisitorTotal is { } total)
            {
                partition.VisitorTotals[result.Visitor] = total;
            }

            return ValueTask.FromResult(CommitOutcome.Applied);
        }
    }

    // A counter that was never written has no token, exactly like a Table entity that does not exist yet.
    static string? TokenOf(CounterSnapshot counter) =>
        counter.Version == Version.None ? null : counter.Version.Value.ToString(CultureInfo.InvariantCulture);

    sealed class Partition(CounterSnapshot counter)
    {
        public CounterSnapshot Counter { get; set; } = counter;

        public Dictionary<VisitorId, long> VisitorTotals { get; } = [];

        public Dictionary<(VisitorId? Visitor, IdempotencyKey Key), IncrementResult> Records { get; } = [];
    }
}
