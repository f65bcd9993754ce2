namespace LiveCounter.Storage;

/// <summary>A counter as the store holds it now.</summary>
/// <param name="Token">Opaque to Counters (a Table ETag, a version in memory); null while the counter was never written.</param>
public sealed record CounterState(CounterSnapshot Counter, string? Token)
{
    public static CounterState Initial(CounterName name) => new(CounterSnapshot.Initial(name), null);
}
