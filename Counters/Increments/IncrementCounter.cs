using System.Collections.Concurrent;
using LiveCounter.GroupCommit;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Storage;

namespace LiveCounter.Increments;

/// <summary>
/// The increment use case: group commit per counter onto this process's lane of it, optimistic concurrency with
/// bounded jittered retries, idempotent replays, and answers exactly as if every increment of the lane had run alone,
/// one after another.
/// </summary>
public sealed class IncrementCounter
{
    /// <summary>Counters whose queues (and what their writers know) are kept; beyond this, idle ones are dropped.</summary>
    internal const int MaxQueues = 10_000;

    readonly ConcurrentDictionary<CounterName, IncrementQueue> _queues = new();
    readonly CommitContext _context;
    readonly bool _groupCommit;

    public IncrementCounter(ICounterStore store, TimeProvider time, CounterMetrics metrics, IncrementOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        _context = new CommitContext(
            store, time, options.Retry, options.Busy, options.Deadline, options.RecordRetention, new VisitorTotalsCache(options.CachedVisitors), random.Next(), random, metrics);
        _groupCommit = options.GroupCommit;
    }

    public IncrementCounter(ICounterStore store, TimeProvider time, CounterMetrics metrics)
        : this(store, time, metrics, IncrementOptions.Default, Random.Shared)
    {
    }

    /// <summary>Counters with a queue now; at most <see cref="MaxQueues"/> plus those busy when the last were dropped.</summary>
    internal int Queues => _queues.Count;

    /// <summary>Visitor totals this process holds in its cache, over every counter.</summary>
    internal int CachedVisitors => _context.Visitors.Count;

    /// <summary>The lane this process commits <paramref name="counter"/>'s increments to now, if it has a queue for it.</summary>
    internal LaneId? LaneOf(CounterName counter) => _queues.TryGetValue(counter, out var queue) ? queue.Lane : null;

    /// <summary>
    /// Applies the increment, or answers the replay or problem. A caller that gives up while its increment still waits
    /// for a batch takes it back; once its batch is being committed, the batch answers it anyway.
    /// </summary>
    public Task<ProblemOr<IncrementReply>> ExecuteAsync(IncrementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_groupCommit)
        {
            // Every increment alone, racing the others on this process's lane: what group commit is measured against.
            return NewQueue(request.Name).TrySubmit(request, cancellationToken)!;
        }

        while (true)
        {
            var queue = _queues.GetOrAdd(request.Name, DropIdleAndCreate);
            if (queue.TrySubmit(request, cancellationToken) is { } answer)
            {
                return answer;
            }

            _queues.TryRemove(KeyValuePair.Create(request.Name, queue));
        }
    }

    IncrementQueue DropIdleAndCreate(CounterName name)
    {
        if (_queues.Count >= MaxQueues)
        {
            foreach (var (idleName, idle) in _queues)
            {
                if (idle.TryRetire())
                {
                    _queues.TryRemove(KeyValuePair.Create(idleName, idle));
                }
            }
        }

        return NewQueue(name);
    }

    IncrementQueue NewQueue(CounterName name) => new(new LaneWriter(name, _context), _context.Time);
}
