using LiveCounter.Increments;

namespace LiveCounter.Storage;

/// <summary>How a commit ended. Only <see cref="Applied"/> wrote anything.</summary>
public abstract record CommitOutcome
{
    CommitOutcome()
    {
    }

    public static readonly CommitOutcome Applied = new AppliedOutcome();

    /// <summary>Another writer changed the counter since it was read: read again and retry.</summary>
    public static readonly CommitOutcome Conflict = new ConflictOutcome();

    public static readonly CommitOutcome Unavailable = new UnavailableOutcome();

    public sealed record AppliedOutcome : CommitOutcome;

    public sealed record ConflictOutcome : CommitOutcome;

    public sealed record UnavailableOutcome : CommitOutcome;

    /// <summary>The idempotency key was already used: this request, or an earlier try of it, already succeeded.</summary>
    public sealed record AlreadyRecorded(IncrementResult Recorded) : CommitOutcome;
}
