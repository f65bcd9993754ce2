using LiveCounter.Storage;

namespace LiveCounter;

/// <summary>A counter as of one version. A counter never incremented is value 0, version 0, never updated, no lanes.</summary>
/// <remarks>
/// <see cref="Value"/> and <see cref="Version"/> are the sums over <see cref="Lanes"/>, except in a result stored
/// before results carried their lanes, whose lanes are unknown (none).
/// </remarks>
public sealed record CounterSnapshot(CounterName Name, long Value, CounterVersion Version, DateTimeOffset? UpdatedAt)
{
    public static CounterSnapshot Initial(CounterName name) => new(name, 0, CounterVersion.None, null);

    /// <summary>The counter these lanes add up to.</summary>
    public static CounterSnapshot Of(CounterName name, LaneTallies lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        return lanes.Sum.Of(name) with { Lanes = lanes };
    }

    /// <summary>Each lane as the commit or read that produced this snapshot saw it.</summary>
    public LaneTallies Lanes { get; init; } = LaneTallies.None;

    public Tally Tally => new(Value, Version, UpdatedAt);
}
