using System.Collections.Concurrent;
using System.Globalization;
using LiveCounter.Increments;
using LiveCounter.Retention;
using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>
/// The Table store's semantics in memory: one partition per counter, a batch committed all-or-nothing under the
/// partition's lock, with the same conditional replace, idempotency records and visitor totals.
/// </summary>
/// <remarks>
/// It keeps optimistic concurrency instead of simply applying under the lock, so that the use case's conflict handling
/// is exercised by every Standalone run and test exactly as it is against Table Storage. Its answers are never lost,
/// but it remembers which commit started from each recent version and which commit wrote each record, as the Table
/// store does, so a batch sent twice is applied once here too. It holds at most what its <see cref="InMemoryLimits"/> allow.
/// </remarks>
public sealed class InMemoryCounterStore(InMemoryLimits limits) : ICounterStore, IExpiredRecords
{
    readonly ConcurrentDictionary<CounterName, Partition> _partitions = new();

    /// <summary>What the store holds, against its limits; changed only under the lock of the partition that gains or loses.</summary>
    int _counters;
    int _visitors;
    int _records;

    public InMemoryCounterStore()
        : this(InMemoryLimits.Default)
    {
    }

    public ValueTask<CounterState> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_partitions.TryGetValue(name, out var partition))
        {
            return ValueTask.FromResult(CounterState.Initial(name));
        }

        lock (partition)
        {
            return ValueTask.FromResult(partition.State);
        }
    }

    public ValueTask<IReadOnlyDictionary<VisitorId, long>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitors);
        var totals = new Dictionary<VisitorId, long>(visitors.Count);
        _partitions.TryGetValue(name, out var partition);
        foreach (var visitor in visitors)
        {
            long total = 0;
            if (partition is not null)
            {
                lock (partition)
                {
                    partition.Totals.TryGetValue(visitor, out total);
                }
            }

            totals[visitor] = total;
        }

        return ValueTask.FromResult<IReadOnlyDictionary<VisitorId, long>>(totals);
    }

    public ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_partitions.TryGetValue(batch.Name, out var partition))
        {
            if (!TryTake(ref _counters, 1, limits.MaxCounters))
            {
                return ValueTask.FromResult<CommitOutcome>(new CommitOutcome.Full(StoreLimit.Counters));
            }

            var created = new Partition(CounterState.Initial(batch.Name));
            partition = _partitions.GetOrAdd(batch.Name, created);
            if (!ReferenceEquals(partition, created))
            {
                // Another commit created it first, and took its place in the limit.
                Interlocked.Decrement(ref _counters);
            }
        }

        lock (partition)
        {
            return ValueTask.FromResult(Commit(partition, batch));
        }
    }

    /// <summary>Takes <paramref name="count"/> places of a limit, or none when that would go past <paramref name="limit"/>.</summary>
    static bool TryTake(ref int held, int count, int limit)
    {
        if (Interlocked.Add(ref held, count) <= limit)
        {
            return true;
        }

        Interlocked.Add(ref held, -count);
        return false;
    }

    /// <summary>Checks in the order Table Storage does: the records, then the counter's token; a refusal is resolved the same way too.</summary>
    CommitOutcome Commit(Partition partition, CommitBatch batch)
    {
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            if (partition.Records.TryGetValue((record.Result.Visitor, record.Key), out var stored))
            {
                // This batch's own record means an earlier send of it was applied (only a test decorator loses answers here).
                return stored.CommitId == batch.Id
                    ? new CommitOutcome.Committed(Token: null)
                    : new CommitOutcome.KeyTaken(i, stored.Result);
            }
        }

        if (string.Equals(partition.State.Token, batch.Base.Token, StringComparison.Ordinal))
        {
            var newVisitors = batch.Totals.Keys.Count(visitor => !partition.Totals.ContainsKey(visitor));
            if (!TryTake(ref _visitors, newVisitors, limits.MaxVisitors))
            {
                return new CommitOutcome.Full(StoreLimit.Visitors);
            }

            if (!TryTake(ref _records, batch.Records.Count, limits.MaxRecords))
            {
                Interlocked.Add(ref _visitors, -newVisitors);
                return new CommitOutcome.Full(StoreLimit.Records);
            }

            Apply(partition, batch);
            return new CommitOutcome.Committed(partition.State.Token);
        }

        return partition.CommitFrom(batch.Base.Counter.Version) switch
        {
            { } id when id == batch.Id => new CommitOutcome.Committed(partition.State.Counter.Version == batch.After.Version ? partition.State.Token : null),
            not null => new CommitOutcome.Conflict(),
            // Never sent before, or sent with records that are not there: it was not applied and never can be.
            null when !batch.SentBefore || batch.Records.Count > 0 => new CommitOutcome.Conflict(),
            null => new CommitOutcome.Unknown(),
        };
    }

    static void Apply(Partition partition, CommitBatch batch)
    {
        partition.State = new CounterState(batch.After, TokenOf(batch.After));
        partition.Committed(batch.Base.Counter.Version, batch.Id);
        foreach (var record in batch.Records)
        {
            partition.Add(record, batch);
        }

        foreach (var (visitor, total) in batch.Totals)
        {
            partition.Totals[visitor] = total;
        }
    }

    /// <summary>
    /// Evicts expired records partition by partition, each under its own lock and only as far as its soonest-expiring
    /// records have expired (records are kept in the order they expire): no pause of the whole store, whatever its size.
    /// </summary>
    public Task<SweepReport> DeleteAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var partition in _partitions.Values)
        {
            if (cancellationToken.IsCancellationRequested || deleted >= maxRows)
            {
                return Task.FromResult(new SweepReport(deleted, Finished: false));
            }

            lock (partition)
            {
                var evicted = partition.Evict(now, maxRows - deleted);
                Interlocked.Add(ref _records, -evicted);
                deleted += evicted;
            }
        }

        return Task.FromResult(new SweepReport(deleted, Finished: deleted < maxRows));
    }

    // A counter that was never written has no token, exactly like a Table entity that does not exist yet.
    static string TokenOf(CounterSnapshot counter) => counter.Version.Value.ToString(CultureInfo.InvariantCulture);

    sealed class Partition(CounterState state)
    {
        /// <summary>As many recent commits as the Table store's commit log keeps.</summary>
        const int RecentCommits = 32;

        readonly Queue<(Version Base, CommitId Id)> _commits = new();

        public CounterState State { get; set; } = state;

        public CommitId? CommitFrom(Version baseVersion) =>
            _commits.FirstOrDefault(commit => commit.Base == baseVersion) is { Id.Value: not null } found ? found.Id : null;

        public void Committed(Version baseVersion, CommitId id)
        {
            _commits.Enqueue((baseVersion, id));
            if (_commits.Count > RecentCommits)
            {
                _commits.Dequeue();
            }
        }

        public Dictionary<VisitorId, long> Totals { get; } = [];

        /// <summary>Each record by its expiry, for eviction: the first to expire come first.</summary>
        readonly PriorityQueue<(VisitorId?, IdempotencyKey), DateTimeOffset> _expiring = new();

        public Dictionary<(VisitorId? Visitor, IdempotencyKey Key), (IncrementResult Result, CommitId CommitId)> Records { get; } = [];

        public void Add(IncrementRecord record, CommitBatch batch)
        {
            var key = (record.Result.Visitor, record.Key);
            Records.Add(key, (record.Result, batch.Id));
            _expiring.Enqueue(key, batch.ExpiresAt);
        }

        /// <summary>Removes up to <paramref name="most"/> records whose expiry is before <paramref name="now"/>.</summary>
        public int Evict(DateTimeOffset now, int most)
        {
            var evicted = 0;
            // A key is written again only after its record was evicted, so each queued key is still its own record.
            while (evicted < most && _expiring.TryPeek(out var key, out var expiresAt) && expiresAt < now)
            {
                _expiring.Dequeue();
                Records.Remove(key);
                evicted++;
            }

            // Collections keep the capacity of their busiest moment; give it back once most of it is empty.
            if (evicted > 0 && Records.Count < Records.EnsureCapacity(0) / 4)
            {
                Records.TrimExcess();
                _expiring.TrimExcess();
            }

            return evicted;
        }
    }
}
