using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// The oracle for group commit over lanes. What is exact, whichever processes ran: each lane's history is serial (its
/// increments take its versions 1, 2, 3… exactly once each), every key is applied once and every replay returns what
/// its key's increment got, each visitor's totals rise by exactly their <c>by</c>, and the store holds exactly the
/// sum of what was applied. A counter's version in an answer counts the other lanes as its process last read them,
/// so it is at least its lane's own version and at most the counter's final version.
/// </summary>
public static class SerialHistory
{
    /// <param name="answers">Every answer the run got, replays included; every request of the run keyed.</param>
    /// <param name="final">The counter as the store holds it after the run.</param>
    public static void AssertSerialPerLane(IEnumerable<(IncrementRequest Request, IncrementReply Answer)> answers, CounterLanes final)
    {
        ArgumentNullException.ThrowIfNull(final);
        var all = answers.ToList();
        var byKey = new Dictionary<(VisitorId?, IdempotencyKey), IncrementResult>();
        foreach (var (request, answer) in all.Where(a => !a.Answer.Replayed))
        {
            Assert.True(byKey.TryAdd((request.Visitor, request.Key!), answer.Result), $"Key {request.Key} was applied twice.");
        }

        foreach (var (request, answer) in all)
        {
            Assert.Equal(request.By, answer.Result.By);
            Assert.Equal(request.Visitor, answer.Result.Visitor);
            if (answer.Replayed)
            {
                // An increment applied whose answer was lost (a 503 unconfirmed) is known to the run by its replay only.
                var original = byKey.TryGetValue((request.Visitor, request.Key!), out var first) ? first : byKey[(request.Visitor, request.Key!)] = answer.Result;
                Assert.Equal(original, answer.Result);
                Assert.Equal(LiveCounter.Realtime.Broadcast.Nothing, answer.Broadcast);
            }
        }

        foreach (var lane in byKey.Values.GroupBy(result => result.Position!.Lane))
        {
            var versions = lane.Select(result => result.Position!.Version.Value).Order().ToList();
            var stored = final.Lane(lane.Key).Tally.Version.Value;
            Assert.True(versions.SequenceEqual(Enumerable.Range(1, (int)stored).Select(v => (long)v)), $"Lane {lane.Key}'s increments must take its versions 1..{stored} once each: got {string.Join(',', versions)}.");
        }

        Assert.Equal(byKey.Values.Sum(result => (long)result.By.Value), final.Counter.Value);
        Assert.Equal(byKey.Count, final.Counter.Version.Value);
        Assert.All(byKey.Values, result => Assert.InRange(result.Counter.Version.Value, result.Position!.Version.Value, final.Counter.Version.Value));
    }

    /// <summary>Per visitor, the totals of their applied increments rise by exactly their <c>by</c>, each total once.</summary>
    public static void AssertTotalsChain(IEnumerable<(IncrementRequest Request, IncrementReply Answer)> answers, IReadOnlyDictionary<VisitorId, long> startTotals)
    {
        ArgumentNullException.ThrowIfNull(startTotals);
        var applied = answers
            .Where(a => a.Request.Visitor is not null)
            .GroupBy(a => (a.Request.Visitor, a.Request.Key))
            .Select(key => key.First());
        foreach (var visitor in applied.GroupBy(a => a.Request.Visitor!))
        {
            var running = startTotals.GetValueOrDefault(visitor.Key);
            foreach (var (request, answer) in visitor.OrderBy(a => a.Answer.Result.VisitorTotal))
            {
                running += request.By.Value;
                Assert.Equal(running, answer.Result.VisitorTotal);
            }
        }
    }
}
