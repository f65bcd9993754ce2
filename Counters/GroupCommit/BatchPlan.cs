using System.Diagnostics;
using LiveCounter.Increments;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using LiveCounter.Wire;

namespace LiveCounter.GroupCommit;

/// <summary>
/// One batch computed as if its increments had run one after another in arrival order on top of this process's lane:
/// each gets the lane's next version, the counter after it (its lane exactly, the other lanes as last read) and its
/// visitor's total after it. It also decides who carries the commit's conflated messages: the last increment carries
/// <c>counterUpdated</c> with the counter after the commit, and each visitor's last increment carries its
/// <c>incrementApplied</c> with the sum of its <c>by</c>.
/// </summary>
/// <remarks>A request whose key already appeared earlier in the batch writes nothing of its own (<see cref="Idempotency"/>).</remarks>
internal sealed class BatchPlan
{
    readonly List<int> _recordOwners;

    BatchPlan(CommitBatch batch, IReadOnlyList<Step> steps, List<int> recordOwners)
    {
        Batch = batch;
        Steps = steps;
        _recordOwners = recordOwners;
    }

    public CommitBatch Batch { get; }

    /// <summary>What each request of the batch gets, in the order of the requests.</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <summary>The same plan, for sending its batch again after its outcome was lost.</summary>
    public BatchPlan SentAgain() => new(Batch with { SentBefore = true }, Steps, _recordOwners);

    /// <summary>The request whose increment wrote <c>Batch.Records[recordIndex]</c>.</summary>
    public int OwnerOfRecord(int recordIndex) => _recordOwners[recordIndex];

    /// <param name="lane">This process's lane as it stands: the batch is conditional on it.</param>
    /// <param name="others">The counter's other lanes as this process last read them: counted in the answers, not written.</param>
    /// <param name="totals">The total of every visitor in <paramref name="requests"/>, with the token of its row.</param>
    public static BatchPlan For(
        CounterName name,
        LaneRow lane,
        LaneTallies others,
        IReadOnlyDictionary<VisitorId, VisitorTotal> totals,
        IReadOnlyList<IncrementRequest> requests,
        DateTimeOffset at,
        TimeSpan retention,
        CommitId id)
    {
        var tally = lane.Tally;
        var steps = new Step[requests.Count];
        var finalTotals = new Dictionary<VisitorId, long>();
        var keys = new Idempotency.KeysInBatch();
        var records = new List<IncrementRecord>();
        var recordOwners = new List<int>();
        var applied = new List<(int Index, AppliedIncrement Result)>(requests.Count);

        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (keys.RepeatOf(request, i) is { } first)
            {
                steps[i] = new Step.Repeat(first);
                continue;
            }

            tally = tally.After(request.By, at);
            long? total = null;
            if (request.Visitor is { } visitor)
            {
                total = checked((finalTotals.TryGetValue(visitor, out var sofar) ? sofar : totals[visitor].Total) + request.By.Value);
                finalTotals[visitor] = total.Value;
            }

            // The answer's time is this increment's own, whatever clock another process stamped its lane with.
            var counter = CounterSnapshot.Of(name, others.With(lane.Id, tally)) with { UpdatedAt = at };
            var result = new AppliedIncrement(counter, request.By, request.Visitor, total, new LanePosition(lane.Id, tally.Version));
            applied.Add((i, result));
            if (request.Key is { } key)
            {
                records.Add(new IncrementRecord(key, result));
                recordOwners.Add(i);
            }
        }

        foreach (var (index, result, broadcast) in Conflate(applied))
        {
            steps[index] = new Step.Apply(result, broadcast);
        }

        Debug.Assert(steps.All(step => step is not null), "Every request of a batch gets a step.");
        Debug.Assert(tally.Version.Value - lane.Tally.Version.Value == applied.Count, "Each applied increment takes exactly one lane version.");
        var updates = finalTotals.ToDictionary(visitor => visitor.Key, visitor => new VisitorTotalUpdate(visitor.Value, totals[visitor.Key].Token));
        return new BatchPlan(new CommitBatch(id, name, lane, tally, records, updates, at, at + retention), steps, recordOwners);
    }

    /// <summary>Each applied increment with what it sends: the last one <c>counterUpdated</c>, each visitor's last one its <c>incrementApplied</c>.</summary>
    static IEnumerable<(int Index, AppliedIncrement Result, Broadcast Broadcast)> Conflate(List<(int Index, AppliedIncrement Result)> applied)
    {
        var byVisitor = new Dictionary<VisitorId, (int Last, int By)>();
        for (var n = 0; n < applied.Count; n++)
        {
            if (applied[n].Result.Visitor is { } visitor)
            {
                byVisitor[visitor] = (n, (byVisitor.TryGetValue(visitor, out var sofar) ? sofar.By : 0) + applied[n].Result.By.Value);
            }
        }

        for (var n = 0; n < applied.Count; n++)
        {
            var (index, result) = applied[n];
            var toSubscribers = n == applied.Count - 1
                ? new CounterUpdate(CounterHubContract.GroupFor(result.Counter.Name), CounterView.From(result.Counter))
                : null;
            var toVisitor = result.Visitor is { } visitor && byVisitor[visitor].Last == n && result.VisitorTotal is { } total
                ? new VisitorUpdate(visitor, IncrementAppliedView.From(result.Counter, byVisitor[visitor].By, total))
                : null;
            yield return (index, result, new Broadcast(toSubscribers, toVisitor));
        }
    }

    /// <summary>What one request of the batch gets once the batch commits.</summary>
    internal abstract record Step
    {
        Step()
        {
        }

        /// <summary>The request's own increment, and what it must send (often nothing: another request carries the commit's messages).</summary>
        public sealed record Apply(AppliedIncrement Result, Broadcast Broadcast) : Step;

        /// <summary>The same key as the request at <paramref name="Of"/>, earlier in the batch: answered from it.</summary>
        public sealed record Repeat(int Of) : Step;
    }
}
