using LiveCounter.Increments;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Support;

/// <summary>
/// The oracle for group commit: answers are right when they are exactly what running the applied increments one
/// after another, in version order, would have given, and every replay returns what its key's increment got.
/// </summary>
public static class SerialHistory
{
    public static void AssertSerial(IEnumerable<(IncrementRequest Request, IncrementSuccess Answer)> answers, CounterSnapshot start)
    {
        var all = answers.ToList();
        var applied = all.Where(a => !a.Answer.Replayed).OrderBy(a => a.Answer.Result.Counter.Version.Value).ToList();

        var value = start.Value;
        var version = start.Version.Value;
        var totals = new Dictionary<VisitorId, long>();
        var byKey = new Dictionary<(VisitorId?, IdempotencyKey), IncrementResult>();
        foreach (var (request, answer) in applied)
        {
            var result = answer.Result;
            version++;
            value += request.By.Value;
            Assert.True(version == result.Counter.Version.Value, $"Versions must rise by one per increment: expected {version}, got {result.Counter.Version.Value}.");
            Assert.True(value == result.Counter.Value, $"Version {version} must carry the value after it: expected {value}, got {result.Counter.Value}.");
            Assert.Equal(request.By, result.By);
            Assert.Equal(request.Visitor, result.Visitor);
            if (request.Visitor is { } visitor)
            {
                totals[visitor] = totals.GetValueOrDefault(visitor) + request.By.Value;
                Assert.True(totals[visitor] <= result.VisitorTotal, $"Version {version}: the visitor's total cannot be below what this run added.");
            }
            else
            {
                Assert.Null(result.VisitorTotal);
            }

            if (request.Key is { } key)
            {
                Assert.True(byKey.TryAdd((request.Visitor, key), result), $"Key {key} was applied twice.");
            }
        }

        foreach (var (request, answer) in all.Where(a => a.Answer.Replayed))
        {
            Assert.True(byKey.TryGetValue((request.Visitor, request.Key!), out var original), $"Replay of key {request.Key} that no increment of this run applied.");
            Assert.Equal(original, answer.Result);
            Assert.Empty(answer.Messages);
        }
    }

    /// <summary>Per visitor, the totals of their applied increments rise by exactly their <c>by</c>, in version order.</summary>
    public static void AssertTotalsChain(IEnumerable<(IncrementRequest Request, IncrementSuccess Answer)> answers, IReadOnlyDictionary<VisitorId, long> startTotals)
    {
        var running = new Dictionary<VisitorId, long>(startTotals);
        foreach (var (request, answer) in answers.Where(a => !a.Answer.Replayed && a.Request.Visitor is not null).OrderBy(a => a.Answer.Result.Counter.Version.Value))
        {
            var visitor = request.Visitor!;
            running[visitor] = running.GetValueOrDefault(visitor) + request.By.Value;
            Assert.Equal(running[visitor], answer.Result.VisitorTotal);
        }
    }
}
