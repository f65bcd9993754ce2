using LiveCounter.Increments;

namespace LiveCounter.Wire;

/// <summary>The argument of <c>incrementApplied</c>, sent to the incrementing visitor only.</summary>
public sealed record IncrementAppliedView(string Name, long Value, long Version, int By, long YourTotal)
{
    public static IncrementAppliedView From(IncrementResult result, long yourTotal) => new(
        result.Counter.Name.Value,
        result.Counter.Value,
        result.Counter.Version.Value,
        result.By.Value,
        yourTotal);
}
