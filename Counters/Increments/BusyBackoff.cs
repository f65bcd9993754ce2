namespace LiveCounter.Increments;

/// <summary>
/// How a commit waits after the store turned it away for load (Table Storage's 503 <c>ServerBusy</c>: a partition past
/// its target of about 2,000 entities a second), and the <c>Retry-After</c> its callers get if the store stays busy
/// past their deadline.
/// </summary>
/// <remarks>
/// Microsoft's guidance for throttling is exponential backoff with jitter. The n-th wait in a row is uniform in
/// [c/2, c), c = min(<see cref="Max"/>, <see cref="First"/>·2^(n-1)) ("equal jitter"): a refused writer never comes
/// straight back, writers refused together spread out, and none waits longer than <see cref="Max"/> between tries.
/// Only one commit per counter is in flight per process, so a busy partition sees one retry per process per wait,
/// never one per request; the waits are bounded by the batch's answer deadline, not by a count. The clients' own
/// retries are spread over whole seconds for the same reason: a fixed <c>Retry-After</c> would bring every client
/// refused in the same second back in the same second.
/// </remarks>
public sealed record BusyBackoff(TimeSpan First, TimeSpan Max, int MinRetryAfterSeconds, int MaxRetryAfterSeconds)
{
    public static readonly BusyBackoff Default = new(
        First: TimeSpan.FromMilliseconds(100), Max: TimeSpan.FromSeconds(1), MinRetryAfterSeconds: 2, MaxRetryAfterSeconds: 6);

    /// <param name="refusals">How many tries in a row the store has turned away (1 after the first).</param>
    /// <param name="unitRandom">A random number in [0, 1).</param>
    public TimeSpan DelayAfter(int refusals, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(refusals, 1);
        var ceiling = Math.Min(Max.Ticks, First.Ticks * Math.Pow(2, Math.Min(refusals - 1, 30)));
        return TimeSpan.FromTicks((long)(ceiling / 2 * (1 + Math.Clamp(unitRandom, 0, 1))));
    }

    /// <summary>A client's <c>Retry-After</c>, in whole seconds from <see cref="MinRetryAfterSeconds"/> to <see cref="MaxRetryAfterSeconds"/>, each as likely.</summary>
    /// <param name="unitRandom">A random number in [0, 1).</param>
    public int RetryAfterSeconds(double unitRandom)
    {
        var span = MaxRetryAfterSeconds - MinRetryAfterSeconds + 1;
        return MinRetryAfterSeconds + Math.Min(span - 1, (int)(Math.Clamp(unitRandom, 0, 1) * span));
    }
}
