namespace LiveCounter.Wire;

/// <summary>The argument of <c>incrementApplied</c>, sent to the incrementing visitor only.</summary>
public sealed record IncrementAppliedView(string Name, long Value, long Version, int By, long YourTotal);
