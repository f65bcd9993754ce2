using System.Collections.Concurrent;
using LiveCounter.GroupCommit;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Storage;

namespace LiveCounter.Increments;

/// <summary>
/// The increment use case: group commit per counter, optimistic concurrency with bounded jittered retries, idempotent
/// replays, and answers exactly as if every increment had run alone, one after another.
/// </summary>
public sealed class IncrementCounter
{
    /// <summary>Counters whose lanes (and caches) are kept; beyond this, idle lanes are dropped.</summary>
    internal const int MaxLanes = 10_000;

    readonly ConcurrentDictionary<CounterName, CounterLane> _lanes = new();
    readonly LaneContext _context;
    readonly bool _groupCommit;

    public IncrementCounter(ICounterStore store, TimeProvider time, CounterMetrics metrics, IncrementOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new LaneContext(store, time, options.Retry, options.Deadline, options.RecordRetention, random, metrics);
        _groupCommit = options.GroupCommit;
    }

    public IncrementCounter(ICounterStore store, TimeProvider time, CounterMetrics metrics)
        : this(store, time, metrics, IncrementOptions.Default, Random.Shared)
    {
    }

    /// <summary>Counters with a lane now; at most <see cref="MaxLanes"/> plus those busy when the last were dropped.</summary>
    internal int Lanes => _lanes.Count;

    /// <summary>
    /// Applies the increment, or answers the replay or problem. A caller that gives up while its increment still waits
    /// for a batch takes it back; once its batch is being committed, the batch answers it anyway.
    /// </summary>
    public Task<Outcome<IncrementSuccess>> ExecuteAsync(IncrementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_groupCommit)
        {
            return new CounterLane(request.Name, _context).TrySubmit(request, cancellationToken)!;
        }

        while (true)
        {
            var lane = _lanes.GetOrAdd(request.Name, NewLane);
            if (lane.TrySubmit(request, cancellationToken) is { } answer)
            {
                return answer;
            }

            _lanes.TryRemove(KeyValuePair.Create(request.Name, lane));
        }
    }

    CounterLane NewLane(CounterName name)
    {
        if (_lanes.Count >= MaxLanes)
        {
            foreach (var (idleName, idle) in _lanes)
            {
                if (idle.TryRetire())
                {
                    _lanes.TryRemove(KeyValuePair.Create(idleName, idle));
                }
            }
        }

        return new CounterLane(name, _context);
    }
}
