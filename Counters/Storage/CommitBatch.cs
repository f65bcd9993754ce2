using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Storage;

/// <summary>Everything one commit writes: the increments of a batch, already computed one after another on top of <see cref="Lane"/>.</summary>
/// <param name="Id">Written with the commit, so that a commit whose answer was lost can be recognised when read back.</param>
/// <param name="Lane">The lane as the batch found it; the commit applies only while the store still holds exactly that.</param>
/// <param name="LaneAfter">The lane after the last increment of the batch.</param>
/// <param name="Records">One per increment with an idempotency key, in arrival order; each is added only if its key is new.</param>
/// <param name="Totals">Each visitor of the batch once, with the total after their last increment in it.</param>
/// <param name="At">When the batch was computed: every increment's update time, and the records' creation time.</param>
/// <param name="ExpiresAt">When the batch's records expire: <paramref name="At"/> plus the writing process's retention window.</param>
public sealed record CommitBatch(
    CommitId Id,
    CounterName Name,
    LaneRow Lane,
    Tally LaneAfter,
    IReadOnlyList<IncrementRecord> Records,
    IReadOnlyDictionary<VisitorId, VisitorTotalUpdate> Totals,
    DateTimeOffset At,
    DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// True when this very batch was sent before and its outcome is unknown: only then can a refusal be the batch's own
    /// earlier send, and only then must the store read back before calling it a conflict.
    /// </summary>
    public bool SentBefore { get; init; }

    /// <summary>Table Storage's limit on the entities of one entity-group transaction.</summary>
    public const int MaxEntities = 100;

    /// <summary>How many increments the batch applies.</summary>
    public long Increments => LaneAfter.Version.Value - Lane.Tally.Version.Value;

    /// <summary>The rows the commit writes: the lane, its records, its visitors.</summary>
    public int Entities => 1 + Records.Count + Totals.Count;
}

/// <summary>The result stored under an idempotency key, so that a replay of the key returns it unchanged.</summary>
public sealed record IncrementRecord(IdempotencyKey Key, AppliedIncrement Result)
{
    public RecordId Id => new(Result.Visitor, Key);
}

/// <summary>A visitor's new total, set only while the visitor's row still has <paramref name="Token"/> (null: while it has no row).</summary>
public sealed record VisitorTotalUpdate(long Total, string? Token);
