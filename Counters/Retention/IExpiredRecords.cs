namespace LiveCounter.Retention;

/// <summary>The idempotency records of every counter, as far as their expiry goes. Nothing else (counters, visitor totals) ever expires.</summary>
/// <remarks>
/// <para>
/// Each record carries its own window, set by the process that wrote it, so processes with different windows share a
/// store safely: a sweep deletes what has expired by the records' own terms, never by its own window. A record
/// written before records carried an expiry has <see cref="RetentionOptions.Default"/>'s window.
/// </para>
/// <para>
/// One clock judges. A store with a clock of its own judges by that alone: the Table service stamps each row when it
/// stores it and dates each answer, so a window runs from the row's stamp to the service's time, and no process's
/// clock, however far off, can delete another's young record. A store without one (the in-memory store, in one
/// process) judges by the time the caller passes, which is also the clock it wrote the records on.
/// </para>
/// </remarks>
public interface IExpiredRecords
{
    /// <summary>
    /// Deletes records that have expired (on the store's own clock, or else before <paramref name="now"/>), at most
    /// <paramref name="maxRows"/> of them, and stops early, without failing, when <paramref name="cancellationToken"/>
    /// is cancelled. A record is deleted only as it was when found: one written again meanwhile (a key reused after
    /// expiry) stays.
    /// </summary>
    /// <param name="now">The caller's time; a store with a clock of its own ignores it.</param>
    /// <param name="maxRows">The most records one sweep deletes.</param>
    /// <param name="cancellationToken">Ends the sweep early.</param>
    /// <returns>How many were deleted, and whether none that is expired was left.</returns>
    Task<SweepReport> DeleteAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken);
}

/// <param name="Deleted">Records deleted by this sweep.</param>
/// <param name="Finished">False when the sweep stopped at its limit with expired records left for the next one.</param>
public sealed record SweepReport(int Deleted, bool Finished);
