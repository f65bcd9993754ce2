using LiveCounter.Problems;
using LiveCounter.Visitors;
using LiveCounter.Wire;

namespace LiveCounter.Increments;

/// <summary>A validated increment: every raw input of <c>POST /api/counters/{name}/increment</c> parsed once.</summary>
public sealed record IncrementRequest(CounterName Name, Amount By, IdempotencyKey? Key, VisitorId? Visitor)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string VisitorIdHeader = "X-Visitor-Id";

    /// <summary>The record this request's key names; null without a key.</summary>
    public RecordId? RecordId => Key is { } key ? new RecordId(Visitor, key) : null;

    /// <param name="body">The raw body, already read within the API's size limit.</param>
    public static ProblemOr<IncrementRequest> Parse(string? name, ReadOnlySpan<byte> body, string? idempotencyKey, string? visitorId)
    {
        var parsedName = CounterName.Parse(name);
        if (!parsedName.Succeeded)
        {
            return parsedName.Problem;
        }

        var by = IncrementBody.Parse(body);
        if (!by.Succeeded)
        {
            return by.Problem;
        }

        // Both headers are optional; only a present header has to be valid.
        var key = idempotencyKey is null ? null : IdempotencyKey.Parse(idempotencyKey);
        if (key is { Succeeded: false })
        {
            return key.Problem;
        }

        var visitor = visitorId is null ? null : VisitorId.Parse(visitorId, VisitorIdHeader);
        if (visitor is { Succeeded: false })
        {
            return visitor.Problem;
        }

        return new IncrementRequest(parsedName.Value, by.Value, key?.Value, visitor?.Value);
    }
}
