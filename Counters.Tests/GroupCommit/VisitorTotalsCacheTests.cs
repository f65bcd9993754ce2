using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>
/// The visitor totals a process keeps are bounded for the process as a whole, whatever the number of counters: a
/// bound per counter would let counters times visitors outgrow any host.
/// </summary>
public sealed class VisitorTotalsCacheTests
{
    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Visitors_of_many_counters_never_hold_more_cache_entries_than_the_process_s_bound()
    {
        var useCase = new IncrementCounter(
            _store, new InstantTimeProvider(), CounterMetrics.Unregistered(), IncrementOptions.Default with { CachedVisitors = 100 }, new Random(1));
        var most = 0;

        for (var counter = 0; counter < 10; counter++)
        {
            for (var visitor = 0; visitor < 50; visitor++)
            {
                Assert.True((await useCase.ExecuteAsync(Increment(visitor: Visitor(visitor), counter: CounterName.Parse($"c{counter}").Value), _ct)).Succeeded);
                most = Math.Max(most, useCase.CachedVisitors);
            }
        }

        Assert.InRange(most, 1, 100);
    }

    [Fact]
    public async Task A_visitor_whose_entry_was_dropped_is_read_again_and_their_total_stays_exact()
    {
        var useCase = new IncrementCounter(
            _store, new InstantTimeProvider(), CounterMetrics.Unregistered(), IncrementOptions.Default with { CachedVisitors = 3 }, new Random(1));

        for (var round = 1; round <= 4; round++)
        {
            for (var visitor = 0; visitor < 5; visitor++)
            {
                var answer = await useCase.ExecuteAsync(Increment(visitor: Visitor(visitor)), _ct);
                Assert.Equal(round, answer.Value!.Result.VisitorTotal);
            }
        }

        Assert.InRange(useCase.CachedVisitors, 1, 3);
        Assert.Equal(4, await _store.TotalOfAsync(Hits, Visitor(4)));
    }
}
