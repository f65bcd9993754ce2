namespace LiveCounter.Increments;

/// <summary>How long an increment keeps retrying when other writers win the optimistic-concurrency race.</summary>
/// <remarks>
/// "Full jitter": each delay is uniform in [0, min(cap, base·2^n)), so writers that collided spread out
/// instead of colliding again in lockstep.
/// </remarks>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static readonly RetryPolicy Default = new(MaxAttempts: 12, BaseDelay: TimeSpan.FromMilliseconds(2), MaxDelay: TimeSpan.FromMilliseconds(200));

    /// <param name="failedAttempts">How many attempts have failed so far (1 after the first conflict).</param>
    /// <param name="unitRandom">A random number in [0, 1).</param>
    public TimeSpan DelayAfter(int failedAttempts, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var ceiling = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, failedAttempts - 1));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(unitRandom, 0, 1)));
    }
}
