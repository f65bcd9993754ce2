using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// A store that turns calls away for load, as Table Storage does past a partition's target (503 <c>ServerBusy</c>): a
/// commit it refuses is <see cref="CommitOutcome.Busy"/> and reaches nothing, a read it refuses throws
/// <see cref="CounterStoreUnavailableException.Busy"/>. It counts the commits tried and when each came.
/// </summary>
public sealed class BusyStore(ICounterStore inner, TimeProvider time) : ICounterStore
{
    readonly Lock _lock = new();
    readonly List<TimeSpan> _commitTimes = [];
    readonly long _start = time.GetTimestamp();
    Func<int, bool> _refusesCommit = _ => false;
    int _readsToRefuse;

    /// <summary>When each commit came, from this store's creation.</summary>
    public IReadOnlyList<TimeSpan> CommitTimes
    {
        get
        {
            lock (_lock)
            {
                return [.. _commitTimes];
            }
        }
    }

    /// <summary>Commits are refused while <paramref name="refuses"/> says so of their number (the first is 1).</summary>
    public void RefuseCommits(Func<int, bool> refuses)
    {
        lock (_lock)
        {
            _refusesCommit = refuses;
        }
    }

    /// <summary>The next <paramref name="count"/> reads (of the lanes or of visitors' totals) are refused.</summary>
    public void RefuseReads(int count)
    {
        lock (_lock)
        {
            _readsToRefuse = count;
        }
    }

    public ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        TurnAwayRead();
        return inner.ReadAsync(name, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken)
    {
        TurnAwayRead();
        return inner.ReadTotalsAsync(name, visitors, cancellationToken);
    }

    public ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        bool refused;
        lock (_lock)
        {
            _commitTimes.Add(time.GetElapsedTime(_start));
            refused = _refusesCommit(_commitTimes.Count);
        }

        return refused ? ValueTask.FromResult<CommitOutcome>(new CommitOutcome.Busy()) : inner.CommitAsync(batch, cancellationToken);
    }

    void TurnAwayRead()
    {
        lock (_lock)
        {
            if (_readsToRefuse > 0)
            {
                _readsToRefuse--;
                throw new CounterStoreUnavailableException("The store is busy.") { Busy = true };
            }
        }
    }
}
