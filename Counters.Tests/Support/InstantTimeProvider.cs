namespace LiveCounter.Tests.Support;

/// <summary>
/// A clock whose short timers (retry backoffs) fire at once and remember what they were asked to wait, so retry tests
/// run instantly; a timer as long as a deadline never fires, as if every store answered in time. Its time stands
/// still, so what is paced by elapsed time (the reads of other lanes) does not depend on how fast the tests run.
/// </summary>
public sealed class InstantTimeProvider(DateTimeOffset now) : TimeProvider
{
    /// <summary>Timers due later than this never fire: far above any backoff, far below any deadline.</summary>
    static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    readonly List<TimeSpan> _delays = [];

    public InstantTimeProvider()
        : this(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delays)
            {
                return [.. _delays];
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => now;

    public override long GetTimestamp() => 0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > Longest || dueTime == Timeout.InfiniteTimeSpan)
        {
            return new FiredTimer();
        }

        lock (_delays)
        {
            _delays.Add(dueTime);
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
