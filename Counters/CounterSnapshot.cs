using LiveCounter.Increments;

namespace LiveCounter;

/// <summary>A counter as of one version. A counter never incremented is value 0, version 0, never updated.</summary>
public sealed record CounterSnapshot(CounterName Name, long Value, Version Version, DateTimeOffset? UpdatedAt)
{
    public static CounterSnapshot Initial(CounterName name) => new(name, 0, Version.None, null);

    public CounterSnapshot After(Amount by, DateTimeOffset at) => this with
    {
        Value = checked(Value + by.Value),
        Version = Version.Next(),
        UpdatedAt = at,
    };
}
