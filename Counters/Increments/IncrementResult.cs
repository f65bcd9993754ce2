using LiveCounter.Visitors;

namespace LiveCounter.Increments;

/// <summary>What one applied increment produced; stored under its idempotency key so a replay returns it unchanged.</summary>
/// <param name="VisitorTotal">The incrementing visitor's running total on this counter; null for an anonymous increment.</param>
public sealed record IncrementResult(CounterSnapshot Counter, Amount By, VisitorId? Visitor, long? VisitorTotal);
