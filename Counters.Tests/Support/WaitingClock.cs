namespace LiveCounter.Tests.Support;

/// <summary>
/// A clock in which time passes only while something waits: a wait's timer (<see cref="Task.Delay(TimeSpan, TimeProvider)"/>)
/// moves the clock to its end and fires at once, and a deadline's (a <see cref="CancellationTokenSource"/> set to cancel
/// after a while) fires once the clock has passed it. With a store that answers at once, a commit's waits are all the
/// time there is, and a test sees each of them exactly.
/// </summary>
public sealed class WaitingClock : TimeProvider
{
    static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    readonly Lock _lock = new();
    readonly List<Deadline> _deadlines = [];
    readonly List<TimeSpan> _waits = [];
    long _elapsedTicks;

    /// <summary>Every wait so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_lock)
            {
                return [.. _waits];
            }
        }
    }

    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return TimeSpan.FromTicks(_elapsedTicks);
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Elapsed.Ticks;

    public override DateTimeOffset GetUtcNow() => Start + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return new Deadline(this, callback, state, long.MaxValue);
        }

        List<Deadline> passed;
        lock (_lock)
        {
            if (state is CancellationTokenSource)
            {
                var deadline = new Deadline(this, callback, state, _elapsedTicks + dueTime.Ticks);
                _deadlines.Add(deadline);
                return deadline;
            }

            _elapsedTicks += dueTime.Ticks;
            _waits.Add(dueTime);
            passed = _deadlines.Where(d => d.DueTicks <= _elapsedTicks).ToList();
            _deadlines.RemoveAll(passed.Contains);
        }

        foreach (var deadline in passed)
        {
            ThreadPool.QueueUserWorkItem(_ => deadline.Fire());
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new Deadline(this, callback, state, _elapsedTicks);
    }

    void Remove(Deadline deadline)
    {
        lock (_lock)
        {
            _deadlines.Remove(deadline);
        }
    }

    sealed class Deadline(WaitingClock clock, TimerCallback callback, object? state, long dueTicks) : ITimer
    {
        public long DueTicks { get; } = dueTicks;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
