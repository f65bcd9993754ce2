namespace LiveCounter.Wire;

/// <summary>The argument of <c>incrementApplied</c>, sent to the incrementing visitor only.</summary>
/// <param name="By">The sum of the visitor's <c>by</c> in the commit.</param>
public sealed record IncrementAppliedView(string Name, long Value, long Version, LanesView Lanes, int By, long YourTotal)
{
    public static IncrementAppliedView From(CounterSnapshot counter, int by, long yourTotal)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new(counter.Name.Value, counter.Value, counter.Version.Value, LanesView.From(counter.Lanes), by, yourTotal);
    }
}
