using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>Batches written by hand for store tests, computed as the use case would compute them.</summary>
public static class Batches
{
    public static readonly DateTimeOffset At = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One batch on top of <paramref name="state"/>: each increment in turn, keyed ones recorded, totals summed.</summary>
    public static CommitBatch On(CounterState state, params (int By, string? Key, VisitorId? Visitor)[] increments)
    {
        ArgumentNullException.ThrowIfNull(state);
        var counter = state.Counter;
        var records = new List<IncrementRecord>();
        var totals = new Dictionary<VisitorId, long>();
        foreach (var (by, key, visitor) in increments)
        {
            counter = counter.After(Amount.From(by).Value!, At);
            long? total = visitor is null ? null : totals[visitor] = totals.GetValueOrDefault(visitor) + by;
            var result = new IncrementResult(counter, Amount.From(by).Value!, visitor, total);
            if (key is not null)
            {
                records.Add(new IncrementRecord(IdempotencyKey.Parse(key).Value!, result));
            }
        }

        return new CommitBatch(CommitId.New(), state, counter, records, totals, At, At + LiveCounter.Retention.RetentionOptions.Default.Window);
    }
}
