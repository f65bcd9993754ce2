namespace LiveCounter.Storage;

/// <summary>A counter as one read of its store found it: every lane written so far, and the row it had before lanes.</summary>
/// <param name="Legacy">The counter's single row from before lanes (the Table store's <c>state</c>): counted, never written again.</param>
public sealed record CounterLanes(CounterName Name, IReadOnlyList<LaneRow> Lanes, Tally Legacy)
{
    public static CounterLanes None(CounterName name) => new(name, [], Tally.Zero);

    /// <summary>Every lane's tally and the legacy row's, without the stores' tokens.</summary>
    public LaneTallies Tallies => Lanes.Aggregate(LaneTallies.None.WithLegacy(Legacy), (all, lane) => all.With(lane.Id, lane.Tally));

    /// <summary>The counter: the sum of every lane and the legacy row, lane by lane.</summary>
    public CounterSnapshot Counter => CounterSnapshot.Of(Name, Tallies);

    /// <summary>The lane as read, or as never written.</summary>
    public LaneRow Lane(LaneId id) => Lanes.FirstOrDefault(lane => lane.Id == id) ?? LaneRow.Unwritten(id);

    /// <summary>Everything but lane <paramref name="id"/>: what a process writing that lane counts as "the others".</summary>
    public LaneTallies Except(LaneId id) => Tallies.Without(id);
}
