namespace LiveCounter.Tables.Tests;

/// <summary>A clock stopped at one instant, so that stored and returned timestamps are predictable.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Instant = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public FixedTimeProvider()
        : this(Instant)
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
