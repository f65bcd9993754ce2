using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Increments;

/// <summary>What one applied increment produced; stored under its idempotency key so a replay returns it unchanged.</summary>
/// <param name="Counter">
/// The counter as this increment's process saw it: its own lane exactly, up to and including this increment, and the
/// other lanes as the process last read them.
/// </param>
/// <param name="VisitorTotal">The incrementing visitor's running total on this counter; null for an anonymous increment.</param>
/// <param name="Position">Where it was counted; null only for a result stored before counters had lanes.</param>
public sealed record IncrementResult(CounterSnapshot Counter, Amount By, VisitorId? Visitor, long? VisitorTotal, LanePosition? Position);
