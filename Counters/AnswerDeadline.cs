namespace LiveCounter;

/// <summary>
/// How long any request may take: past it, the request is answered 503 (with <c>Retry-After</c>) whatever the store is
/// doing, so a hung store holds no caller, and nothing queued behind it, for longer than this.
/// </summary>
/// <remarks>
/// Ten seconds leaves every front end far behind (Azure's load balancer cuts an HTTP request to Functions at 230 s),
/// and a page retries a 503 with the same <c>Idempotency-Key</c>, so giving up never costs an increment.
/// </remarks>
public sealed record AnswerDeadline(TimeSpan Within)
{
    public static readonly AnswerDeadline Default = new(TimeSpan.FromSeconds(10));

    /// <summary>The setting (under <c>LiveCounter</c>) that overrides <see cref="Within"/>, e.g. <c>00:00:10</c>.</summary>
    public const string Setting = "AnswerDeadline";

    /// <summary>What is left of the deadline of a request that arrived at <paramref name="arrivedAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public TimeSpan LeftFor(long arrivedAt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var left = Within - time.GetElapsedTime(arrivedAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
