namespace LiveCounter.Tables;

/// <summary>Whether an idempotency record (a <c>key:…</c> row) has expired, judged on the Table service's clock alone.</summary>
/// <remarks>
/// A record's window is its <c>ExpiresAt</c> minus its <c>CreatedAt</c>: both were written on the writer's clock, so
/// their difference holds whatever that clock's skew. The window runs from the row's <c>Timestamp</c>, which the
/// service sets when it stores the row, and is judged against the service's own time as it answers (its <c>Date</c>
/// header). So no process's clock, the writer's or the sweeper's, decides when a record goes: one a day off cannot
/// delete another's young record. <c>Date</c> has a resolution of one second, truncated, so it errs on keeping.
/// </remarks>
internal static class RecordExpiry
{
    /// <param name="timestamp">The row's <c>Timestamp</c>, set by the service; null (not read) keeps the record.</param>
    /// <param name="createdAt">The row's <c>CreatedAt</c>, on the writer's clock.</param>
    /// <param name="expiresAt">The row's <c>ExpiresAt</c>, on the writer's clock; null on records written before records carried one.</param>
    /// <param name="legacyWindow">The window of a record without an <c>ExpiresAt</c> of its own.</param>
    /// <param name="serviceNow">The service's time, from the <c>Date</c> of the answer that brought the row.</param>
    public static bool HasExpired(DateTimeOffset? timestamp, DateTimeOffset? createdAt, DateTimeOffset? expiresAt, TimeSpan legacyWindow, DateTimeOffset serviceNow)
    {
        if (timestamp is not { } written)
        {
            return false;
        }

        var window = expiresAt is { } end && createdAt is { } start ? end - start : legacyWindow;
        return written + window <= serviceNow;
    }
}
