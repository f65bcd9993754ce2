namespace LiveCounter.Storage;

/// <summary>A counter as read for an increment.</summary>
/// <param name="ConcurrencyToken">Opaque to the use case (a Table ETag, a version in memory); null when never written.</param>
/// <param name="VisitorTotal">The reading visitor's total on this counter; 0 when anonymous or new.</param>
public sealed record CounterState(CounterSnapshot Counter, string? ConcurrencyToken, long VisitorTotal);
