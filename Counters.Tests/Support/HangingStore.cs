using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// A store that stops answering, as a Table service behind a connection that accepts and never replies: calls wait
/// until their caller cancels them. <see cref="Landing"/> makes commits reach the store first, so the hung answer is
/// that of an applied commit.
/// </summary>
public sealed class HangingStore(ICounterStore inner) : ICounterStore
{
    readonly Lock _lock = new();
    readonly List<(int Count, TaskCompletionSource Arrival)> _waiting = [];
    int _arrived;

    /// <summary>Whether commits hang (reads hang only with <see cref="ReadsHang"/>).</summary>
    public bool Hangs { get; set; } = true;

    public bool ReadsHang { get; set; }

    /// <summary>A hanging commit is applied before its answer hangs.</summary>
    public bool Landing { get; set; }

    /// <summary>Completes once <paramref name="count"/> commits in all have reached this store.</summary>
    public Task Arrived(int count)
    {
        lock (_lock)
        {
            if (_arrived >= count)
            {
                return Task.CompletedTask;
            }

            var arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((count, arrival));
            return arrival.Task;
        }
    }

    public async ValueTask<CounterLanes> ReadAsync(CounterName name, CancellationToken cancellationToken)
    {
        if (ReadsHang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await inner.ReadAsync(name, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<VisitorId, VisitorTotal>> ReadTotalsAsync(CounterName name, IReadOnlyCollection<VisitorId> visitors, CancellationToken cancellationToken) =>
        inner.ReadTotalsAsync(name, visitors, cancellationToken);

    public async ValueTask<CommitOutcome> CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _arrived++;
            foreach (var waiting in _waiting.Where(w => w.Count <= _arrived).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Arrival.SetResult();
            }
        }

        if (!Hangs)
        {
            return await inner.CommitAsync(batch, cancellationToken);
        }

        if (Landing)
        {
            await inner.CommitAsync(batch, cancellationToken);
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("Unreachable: the delay ends only by cancellation.");
    }
}
