namespace LiveCounter.Wire;

/// <summary>A counter on the wire: the body of <c>GET /api/counters/{name}</c> and the argument of <c>counterUpdated</c>.</summary>
public sealed record CounterView(string Name, long Value, long Version, DateTimeOffset? UpdatedAt)
{
    public static CounterView From(CounterSnapshot counter) =>
        new(counter.Name.Value, counter.Value, counter.Version.Value, counter.UpdatedAt);
}
