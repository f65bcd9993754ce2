namespace LiveCounter.Increments;

/// <summary>How the increment use case commits.</summary>
/// <param name="GroupCommit">
/// True (the default): increments of one counter that arrive while a commit of it is in flight go together in the
/// next commit. False: every increment is read, computed and committed on its own, racing the others, as before group
/// commit existed; kept so a benchmark can show the difference.
/// </param>
public sealed record IncrementOptions(bool GroupCommit, RetryPolicy Retry)
{
    public static readonly IncrementOptions Default = new(GroupCommit: true, RetryPolicy.Default);

    /// <summary>The configuration section both hosts read these options from.</summary>
    public const string Section = "LiveCounter";

    /// <summary>How long the records this process writes keep their keys: each record stores its own expiry.</summary>
    public TimeSpan RecordRetention { get; init; } = Retention.RetentionOptions.Default.Window;

    /// <summary>
    /// Visitor totals this process keeps, over every counter, so that a visitor's next increment needs no read: about
    /// 270 bytes each, so the default 100,000 hold about 27 MB, whatever the number of counters.
    /// </summary>
    public int CachedVisitors { get; init; } = 100_000;

    /// <summary>Each increment is answered within this long of its arrival, committed or not.</summary>
    public AnswerDeadline Deadline { get; init; } = AnswerDeadline.Default;

    /// <summary>How a commit the store turned away for load waits before it goes again, and what its callers are told if it stays busy.</summary>
    public BusyBackoff Busy { get; init; } = BusyBackoff.Default;
}
