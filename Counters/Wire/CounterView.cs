namespace LiveCounter.Wire;

/// <summary>A counter on the wire: the body of <c>GET /api/counters/{name}</c> and the argument of <c>counterUpdated</c>.</summary>
/// <param name="Value">The sum over <paramref name="Lanes"/>.</param>
/// <param name="Version">The sum of the lanes' versions.</param>
public sealed record CounterView(string Name, long Value, long Version, DateTimeOffset? UpdatedAt, LanesView Lanes)
{
    public static CounterView From(CounterSnapshot counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new(counter.Name.Value, counter.Value, counter.Version.Value, counter.UpdatedAt, LanesView.From(counter.Lanes));
    }
}
