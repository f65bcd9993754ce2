namespace LiveCounter.Storage;

/// <summary>Where an increment was counted: its lane, and that lane's own version after it.</summary>
/// <remarks>The lane's versions are exact and consecutive whichever processes wrote it: this is what an increment's answer is exact about.</remarks>
public sealed record LanePosition(LaneId Lane, CounterVersion Version);
