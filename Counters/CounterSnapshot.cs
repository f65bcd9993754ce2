using LiveCounter.Storage;

namespace LiveCounter;

/// <summary>A counter as of one version. A counter never incremented is value 0, version 0, never updated.</summary>
public sealed record CounterSnapshot(CounterName Name, long Value, CounterVersion Version, DateTimeOffset? UpdatedAt)
{
    public static CounterSnapshot Initial(CounterName name) => new(name, 0, CounterVersion.None, null);

    public Tally Tally => new(Value, Version, UpdatedAt);
}
