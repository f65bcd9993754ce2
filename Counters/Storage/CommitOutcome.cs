using LiveCounter.Increments;

namespace LiveCounter.Storage;

/// <summary>How a commit ended. Only <see cref="Committed"/> wrote anything, and only <see cref="Unknown"/> may have.</summary>
public abstract record CommitOutcome
{
    CommitOutcome()
    {
    }

    /// <summary>The batch is applied.</summary>
    /// <param name="Token">The counter's token after it; null when other commits followed before it could be read.</param>
    public sealed record Committed(string? Token) : CommitOutcome;

    /// <summary>Another writer changed the counter since the batch's base: nothing was written, and never will be.</summary>
    public sealed record Conflict : CommitOutcome;

    /// <summary>
    /// The key of <c>Records[RecordIndex]</c> was used before (by an earlier try of the same request, or by another
    /// request): nothing was written, and <paramref name="Stored"/> is the result kept under that key.
    /// </summary>
    public sealed record KeyTaken(int RecordIndex, IncrementResult Stored) : CommitOutcome;

    /// <summary>The store is full: applying the batch would go past its <paramref name="Limit"/>. Nothing was written.</summary>
    public sealed record Full(StoreLimit Limit) : CommitOutcome;

    /// <summary>The store could not be reached: nothing was written.</summary>
    public sealed record Unavailable : CommitOutcome;

    /// <summary>The store's answer was lost and could not be recovered: the batch may or may not be applied. Sending it again is safe.</summary>
    public sealed record Unknown : CommitOutcome;
}
