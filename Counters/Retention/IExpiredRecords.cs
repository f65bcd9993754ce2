namespace LiveCounter.Retention;

/// <summary>The idempotency records of every counter, as far as their expiry goes. Nothing else (counters, visitor totals) ever expires.</summary>
/// <remarks>
/// Each record carries its own expiry, set by the process that wrote it, so processes with different windows share a
/// store safely: a sweep deletes what has expired by the records' own terms, never by its own window. A record
/// written before records carried an expiry expires <see cref="RetentionOptions.Default"/>'s window after its creation.
/// </remarks>
public interface IExpiredRecords
{
    /// <summary>
    /// Deletes records whose expiry is before <paramref name="now"/>, at most <paramref name="maxRows"/> of them, and
    /// stops early, without failing, when <paramref name="cancellationToken"/> is cancelled. A record is deleted only
    /// as it was when found: one written again meanwhile (a key reused after expiry) stays.
    /// </summary>
    /// <returns>How many were deleted, and whether none that is expired was left.</returns>
    Task<SweepReport> DeleteAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken);
}

/// <param name="Deleted">Records deleted by this sweep.</param>
/// <param name="Finished">False when the sweep stopped at its limit with expired records left for the next one.</param>
public sealed record SweepReport(int Deleted, bool Finished);
