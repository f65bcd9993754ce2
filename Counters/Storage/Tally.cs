using LiveCounter.Increments;

namespace LiveCounter.Storage;

/// <summary>What a run of increments adds up to: the sum of their <c>by</c>, how many they were, and when the last one was applied.</summary>
/// <remarks>A lane holds one tally; a counter is the sum of its lanes' tallies.</remarks>
public readonly record struct Tally(long Value, CounterVersion Version, DateTimeOffset? UpdatedAt)
{
    public static readonly Tally Zero = new(0, CounterVersion.None, null);

    public Tally After(Amount by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(by);
        return new(checked(Value + by.Value), Version.Next(), at);
    }

    public Tally Plus(Tally other) => new(
        checked(Value + other.Value),
        Version.Plus(other.Version),
        UpdatedAt is { } mine && other.UpdatedAt is { } theirs ? (mine > theirs ? mine : theirs) : UpdatedAt ?? other.UpdatedAt);

    public CounterSnapshot Of(CounterName name) => new(name, Value, Version, UpdatedAt);
}
