using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>How a commit ended. Only <see cref="Committed"/> wrote anything, and only <see cref="Unknown"/> may have.</summary>
public abstract record CommitOutcome
{
    CommitOutcome()
    {
    }

    /// <summary>The batch is applied.</summary>
    /// <param name="LaneToken">The lane's token after it; null when later commits to the lane followed before it could be read.</param>
    /// <param name="VisitorTokens">The visitors' rows' tokens after it; null when they could not be had with the answer.</param>
    public sealed record Committed(string? LaneToken, IReadOnlyDictionary<VisitorId, string>? VisitorTokens) : CommitOutcome
    {
        /// <summary>Applied, as found by reading back: the tokens are no longer known.</summary>
        public static readonly Committed WithoutTokens = new(null, null);
    }

    /// <summary>Another writer changed a row the batch is conditional on: nothing was written, and never will be.</summary>
    public sealed record Conflict(ConflictedRow Row) : CommitOutcome;

    /// <summary>
    /// The key of <c>Records[RecordIndex]</c> was used before (by an earlier try of the same request, or by another
    /// request): nothing was written, and <paramref name="Stored"/> is the result kept under that key.
    /// </summary>
    public sealed record KeyTaken(int RecordIndex, IncrementResult Stored) : CommitOutcome;

    /// <summary>The store is full: applying the batch would go past its <paramref name="Limit"/>. Nothing was written.</summary>
    public sealed record Full(StoreLimit Limit) : CommitOutcome;

    /// <summary>The store could not be reached: nothing was written.</summary>
    public sealed record Unavailable : CommitOutcome;

    /// <summary>
    /// The store turned the batch away for load (Table Storage's 503 <c>ServerBusy</c>, over a partition's target) before
    /// applying it: nothing was written. The same batch may go again, later.
    /// </summary>
    public sealed record Busy : CommitOutcome;

    /// <summary>The store's answer was lost and could not be recovered: the batch may or may not be applied. Sending it again is safe.</summary>
    public sealed record Unknown : CommitOutcome;
}

/// <summary>Which row of a refused commit had been changed by another writer.</summary>
public enum ConflictedRow
{
    /// <summary>The lane: another process writes it too, so this one should move to another lane.</summary>
    Lane,

    /// <summary>A visitor's total: that visitor incremented through another process meanwhile.</summary>
    Visitor,

    /// <summary>The store could not say which.</summary>
    Unknown,
}
