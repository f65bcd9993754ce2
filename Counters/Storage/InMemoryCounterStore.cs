using System.Collections.Concurrent;
using System.Globalization;
using LiveCounter.Increments;
using LiveCounter.Retention;
using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>
/// The Table store's semantics in memory: one partition per counter, with its lanes, visitor totals and idempotency
/// records, and a batch committed all-or-nothing under the partition's lock with the same conditions.
/// </summary>
/// <remarks>
/// It keeps optimistic concurrency instead of simply applying under the lock, so that the use case's conflict handling
/// is exercised by every Standalone run and test exactly as it is against Table Storage (several use cases over one
/// store are several processes, each on its own lanes). Its answers are never lost, but each lane remembers which
/// commit started from each recent version and each record which commit wrote it, as the Table store does, so a
/// batch sent twice is applied once here too. It holds at most what its <see cref="InMemoryLimits"/> allow.
/// </remarks>
public sealed class InMemoryCounterStore(InMemoryLimits limits) : ICounterStore, IExpiredRecords
{
    readonly ConcurrentDictionary<CounterName, Partition> _partitions = new();

    /// <summary>What the store holds, against its limits: taken before a write, given back by eviction.</summary>
    int _counters;
    int _visitors;
    int _records;

    public InMemoryCounterStore()
        : this(InMemoryLimits.Default)
    {
    }

    public ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_partitions.TryGetValue(name, out var partition))
        {
            return ValueTask.FromResult(CounterLanes.None(name));
        }

        lock (partition)
        {
            return ValueTask.FromResult(new CounterLanes(name, [.. partition.Lanes.Values.Select(lane => lane.Row)], Tally.Zero));
        }
    }

    public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(
        CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visitors);
        var totals = new Dictionary<VisitorId, VisitorTotal>(visitors.Count);
        _partitions.TryGetValue(name, out var partition);
        foreach (var visitor in visitors)
        {
            var total = VisitorTotal.None;
            if (partition is not null)
            {
                lock (partition)
                {
                    total = partition.TotalOf(visitor);
                }
            }

            totals[visitor] = total;
        }

        return ValueTask.FromResult<IReadOnlyDictionary<VisitorId, VisitorTotal>>(totals);
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

            var created = new Partition();
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

    /// <summary>Checks in the order Table Storage does: the records, then the lane, then the visitors; a refusal is resolved the same way too.</summary>
    CommitOutcome Commit(Partition partition, CommitBatch batch)
    {
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            if (partition.Records.TryGetValue(record.Id, out var stored))
            {
                // This batch's own record means an earlier send of it was applied (only a test decorator loses answers here).
                return stored.CommitId == batch.Id ? CommitOutcome.Committed.WithoutTokens : new CommitOutcome.KeyTaken(i, stored.Result);
            }
        }

        var lane = partition.LaneOf(batch.Lane.Id);
        if (!string.Equals(lane.Row.Token, batch.Lane.Token, StringComparison.Ordinal))
        {
            return lane.Log.CommitFrom(batch.Lane.Tally.Version) switch
            {
                { } id when id == batch.Id => new CommitOutcome.Committed(lane.Row.Tally.Version == batch.LaneAfter.Version ? lane.Row.Token : null, VisitorTokens: null),
                not null => new CommitOutcome.Conflict(ConflictedRow.Lane),
                // Never sent before, or sent with records that are not there: it was not applied and never can be.
                null when !batch.SentBefore || batch.Records.Count > 0 => new CommitOutcome.Conflict(ConflictedRow.Lane),
                null => new CommitOutcome.Unknown(),
            };
        }

        if (batch.Totals.Any(visitor => !string.Equals(partition.TotalOf(visitor.Key).Token, visitor.Value.Token, StringComparison.Ordinal)))
        {
            return new CommitOutcome.Conflict(ConflictedRow.Visitor);
        }

        var newVisitors = batch.Totals.Count(visitor => visitor.Value.Token is null);
        if (!TryTake(ref _visitors, newVisitors, limits.MaxVisitors))
        {
            return new CommitOutcome.Full(StoreLimit.Visitors);
        }

        if (!TryTake(ref _records, batch.Records.Count, limits.MaxRecords))
        {
            Interlocked.Add(ref _visitors, -newVisitors);
            return new CommitOutcome.Full(StoreLimit.Records);
        }

        return partition.Apply(batch);
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

    /// <summary>One counter; every member is used under its lock.</summary>
    sealed class Partition
    {
        readonly Dictionary<VisitorId, (long Total, long Writes)> _totals = [];

        /// <summary>Each record by its expiry, for eviction: the first to expire come first.</summary>
        readonly PriorityQueue<RecordId, DateTimeOffset> _expiring = new();

        public Dictionary<LaneId, MemoryLane> Lanes { get; } = [];

        public Dictionary<RecordId, (AppliedIncrement Result, CommitId CommitId)> Records { get; } = [];

        public MemoryLane LaneOf(LaneId id) => Lanes.TryGetValue(id, out var lane) ? lane : new MemoryLane(LaneRow.Unwritten(id), CommitLog.Empty);

        // A visitor's token counts the writes of its row, exactly as a Table ETag changes with each.
        public VisitorTotal TotalOf(VisitorId visitor) =>
            _totals.TryGetValue(visitor, out var row) ? new VisitorTotal(row.Total, row.Writes.ToString(CultureInfo.InvariantCulture)) : VisitorTotal.None;

        public CommitOutcome.Committed Apply(CommitBatch batch)
        {
            var laneToken = batch.LaneAfter.Version.ToString();
            Lanes[batch.Lane.Id] = new MemoryLane(new LaneRow(batch.Lane.Id, batch.LaneAfter, laneToken), LaneOf(batch.Lane.Id).Log.After(batch.Lane.Tally.Version, batch.Id));
            foreach (var record in batch.Records)
            {
                var key = record.Id;
                Records.Add(key, (record.Result, batch.Id));
                _expiring.Enqueue(key, batch.ExpiresAt);
            }

            var visitorTokens = new Dictionary<VisitorId, string>(batch.Totals.Count);
            foreach (var (visitor, update) in batch.Totals)
            {
                var writes = (_totals.TryGetValue(visitor, out var row) ? row.Writes : 0) + 1;
                _totals[visitor] = (update.Total, writes);
                visitorTokens[visitor] = writes.ToString(CultureInfo.InvariantCulture);
            }

            return new CommitOutcome.Committed(laneToken, visitorTokens);
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

    /// <summary>A lane and its recent commits.</summary>
    sealed record MemoryLane(LaneRow Row, CommitLog Log);
}
