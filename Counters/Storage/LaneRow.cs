namespace LiveCounter.Storage;

/// <summary>One lane of a counter as the store holds it.</summary>
/// <param name="Token">Opaque to Counters (a Table ETag, a version in memory); null while the lane was never written.</param>
public sealed record LaneRow(LaneId Id, Tally Tally, string? Token)
{
    public static LaneRow Unwritten(LaneId id) => new(id, Tally.Zero, null);
}
