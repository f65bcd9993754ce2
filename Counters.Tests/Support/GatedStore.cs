using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// Holds commits in flight until the test lets them through one by one, and remembers every batch it was asked to
/// commit: a deterministic way to have increments arrive while a commit is in flight, with no sleeps.
/// </summary>
public sealed class GatedStore(ICounterStore inner) : ICounterStore
{
    readonly Lock _lock = new();
    readonly List<CommitBatch> _batches = [];
    readonly Queue<TaskCompletionSource> _held = new();
    readonly List<TaskCompletionSource> _arrivals = [];
    bool _holding;

    public IReadOnlyList<CommitBatch> Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>From now on every commit waits at the store until <see cref="ReleaseOne"/> or <see cref="Open"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _holding = true;
        }
    }

    /// <summary>Lets the oldest held commit through.</summary>
    public void ReleaseOne()
    {
        lock (_lock)
        {
            _held.Dequeue().SetResult();
        }
    }

    /// <summary>Lets every held commit through and holds no more.</summary>
    public void Open()
    {
        lock (_lock)
        {
            _holding = false;
            while (_held.TryDequeue(out var held))
            {
                held.SetResult();
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> commits in all have reached the store.</summary>
    public Task Arrived(int count)
    {
        lock (_lock)
        {
            if (_batches.Count >= count)
            {
                return Task.CompletedTask;
            }

            var arrival = new TaskCompletionSource(count, TaskCreationOptions.RunContinuationsAsynchronously);
            _arrivals.Add(arrival);
            return arrival.Task;
        }
    }

    public ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken) => inner.ReadAsync(name, cancellationToken);

    public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken) =>
        inner.ReadTotalsAsync(name, visitors, cancellationToken);

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        Task gate = Task.CompletedTask;
        lock (_lock)
        {
            _batches.Add(batch);
            if (_holding)
            {
                var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Enqueue(held);
                gate = held.Task;
            }

            foreach (var arrival in _arrivals.Where(a => (int)a.Task.AsyncState! <= _batches.Count).ToList())
            {
                _arrivals.Remove(arrival);
                arrival.SetResult();
            }
        }

        await gate;
        return await inner.CommitAsync(batch, cancellationToken);
    }
}
