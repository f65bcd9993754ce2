namespace LiveCounter.Storage;

/// <summary>
/// How much the in-memory store holds at most: counters and visitor totals never expire, and records only after their
/// retention window, so without a bound one client inventing names, visitor ids or keys fills the host's memory.
/// </summary>
/// <remarks>
/// The defaults cost about 0.9 KiB per counter, 0.35 KiB per visitor of a counter and 0.3 KiB per record: a few
/// hundred MiB once all are full. A commit that would go past a limit is refused whole (507, nothing written); nothing
/// already counted is ever dropped to make room.
/// </remarks>
/// <param name="MaxCounters">Counters with at least one increment.</param>
/// <param name="MaxVisitors">Visitor totals, summed over every counter (one visitor on two counters is two).</param>
/// <param name="MaxRecords">Idempotency records not yet expired, over every counter.</param>
public sealed record InMemoryLimits(int MaxCounters, int MaxVisitors, int MaxRecords)
{
    public static readonly InMemoryLimits Default = new(MaxCounters: 100_000, MaxVisitors: 1_000_000, MaxRecords: 1_000_000);

    /// <summary>The configuration section (under <c>LiveCounter</c>) that overrides them: <c>LiveCounter:InMemory:MaxCounters</c>, ….</summary>
    public const string Section = "InMemory";
}

/// <summary>Which of the <see cref="InMemoryLimits"/> a refused commit would have gone past.</summary>
public enum StoreLimit
{
    Counters,
    Visitors,
    Records,
}
