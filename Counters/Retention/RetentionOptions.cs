namespace LiveCounter.Retention;

/// <summary>How long the idempotency records this process writes are kept, and how much one sweep may do.</summary>
/// <param name="Window">
/// A record this process writes expires this long after it was written (it stores that expiry): a replay of its key
/// after that is a new increment. It paces this process's sweeps, which delete by each record's own expiry.
/// </param>
/// <param name="MaxRowsPerSweep">A sweep stops after deleting this many records; the next one carries on.</param>
/// <param name="MaxSweepDuration">A sweep stops after this long; the next one carries on.</param>
public sealed record RetentionOptions(TimeSpan Window, int MaxRowsPerSweep, TimeSpan MaxSweepDuration)
{
    public static readonly RetentionOptions Default = new(TimeSpan.FromHours(24), MaxRowsPerSweep: 50_000, MaxSweepDuration: TimeSpan.FromMinutes(4));

    /// <summary>The setting (under <c>LiveCounter</c>) that overrides <see cref="Window"/>, e.g. <c>1.00:00:00</c> or <c>00:00:05</c>.</summary>
    public const string WindowSetting = "RecordRetention";
}
