using LiveCounter.Increments;
using LiveCounter.Retention;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>Batches written by hand for store tests, computed as the use case would compute them.</summary>
public static class Batches
{
    public static readonly DateTimeOffset At = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static readonly LaneId LaneA = LaneId.Of(3);

    public static readonly LaneId LaneB = LaneId.Of(17);

    /// <summary>
    /// One batch on lane <paramref name="lane"/> (<see cref="LaneA"/> by default) as <paramref name="read"/> found it:
    /// each increment in turn, keyed ones recorded, totals summed on top of the visitors' <paramref name="totals"/>.
    /// </summary>
    public static CommitBatch On(
        CounterLanes read,
        (int By, string? Key, VisitorId? Visitor)[] increments,
        LaneId? lane = null,
        IReadOnlyDictionary<VisitorId, VisitorTotal>? totals = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(increments);
        var row = read.Lane(lane ?? LaneA);
        var others = read.Except(row.Id);
        var tally = row.Tally;
        var records = new List<IncrementRecord>();
        var sums = new Dictionary<VisitorId, long>();
        foreach (var (by, key, visitor) in increments)
        {
            var amount = Amount.From(by).Value!;
            tally = tally.After(amount, At);
            long? total = null;
            if (visitor is not null)
            {
                total = sums[visitor] = (sums.TryGetValue(visitor, out var sofar) ? sofar : TotalOf(visitor).Total) + by;
            }

            var result = new IncrementResult(CounterSnapshot.Of(read.Name, others.With(row.Id, tally)), amount, visitor, total, new LanePosition(row.Id, tally.Version));
            if (key is not null)
            {
                records.Add(new IncrementRecord(IdempotencyKey.Parse(key).Value!, result));
            }
        }

        var updates = sums.ToDictionary(sum => sum.Key, sum => new VisitorTotalUpdate(sum.Value, TotalOf(sum.Key).Token));
        return new CommitBatch(CommitId.New(), read.Name, row, tally, records, updates, At, At + RetentionOptions.Default.Window);

        VisitorTotal TotalOf(VisitorId visitor) => totals?.TryGetValue(visitor, out var known) == true ? known : VisitorTotal.None;
    }

    /// <inheritdoc cref="On(CounterLanes, ValueTuple{int, string, VisitorId}[], LaneId?, IReadOnlyDictionary{VisitorId, VisitorTotal})"/>
    public static CommitBatch On(CounterLanes read, params (int By, string? Key, VisitorId? Visitor)[] increments) => On(read, increments, lane: null);
}
