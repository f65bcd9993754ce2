namespace LiveCounter.Retention;

/// <summary>How long idempotency records are kept, and how much one sweep may do.</summary>
/// <param name="Window">A record older than this expires: a replay of its key after that is a new increment.</param>
/// <param name="MaxRowsPerSweep">A sweep stops after deleting this many records; the next one carries on.</param>
/// <param name="MaxSweepDuration">A sweep stops after this long; the next one carries on.</param>
public sealed record RetentionOptions(TimeSpan Window, int MaxRowsPerSweep, TimeSpan MaxSweepDuration)
{
    public static readonly RetentionOptions Default = new(TimeSpan.FromHours(24), MaxRowsPerSweep: 50_000, MaxSweepDuration: TimeSpan.FromMinutes(4));

    /// <summary>The setting (under <c>LiveCounter</c>) that overrides <see cref="Window"/>, e.g. <c>1.00:00:00</c> or <c>00:00:05</c>.</summary>
    public const string WindowSetting = "RecordRetention";
}
