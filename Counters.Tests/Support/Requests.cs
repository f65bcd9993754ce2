using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>Names, visitors and increment requests as the tests spell them.</summary>
public static class Requests
{
    public static readonly CounterName Hits = CounterName.Parse("hits").Value!;

    public static readonly VisitorId Alice = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;

    public static readonly VisitorId Bob = VisitorId.Parse("01890a5d-ac96-774b-bcce-b302099a8057", "test").Value!;

    public static VisitorId Visitor(int n) => VisitorId.Parse($"00000000-0000-4000-8000-{n:x12}", "test").Value!;

    public static IncrementRequest Increment(int by = 1, string? key = null, VisitorId? visitor = null, CounterName? counter = null) =>
        new(counter ?? Hits, Amount.From(by).Value!, key is null ? null : IdempotencyKey.Parse(key).Value, visitor);
}
