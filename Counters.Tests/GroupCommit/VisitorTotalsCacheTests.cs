using LiveCounter.GroupCommit;
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

/// <summary>The cache itself: at its bound it starts over, rather than weigh entries against each other.</summary>
public sealed class VisitorTotalsCacheBoundTests
{
    static readonly CounterName Other = CounterName.Parse("other").Value!;

    static VisitorTotal Total(long total) => new(total, $"token-{total}");

    [Fact]
    public void Below_its_bound_it_keeps_every_entry_under_its_counter_and_visitor()
    {
        var cache = new VisitorTotalsCache(capacity: 3);
        cache.Set(Hits, Alice, Total(1));
        cache.Set(Hits, Bob, Total(2));
        cache.Set(Other, Alice, Total(3));

        Assert.Equal(3, cache.Count);
        Assert.True(cache.TryGet(Hits, Bob, out var bob));
        Assert.Equal(Total(2), bob);
        Assert.True(cache.TryGet(Other, Alice, out var alice));
        Assert.Equal(Total(3), alice);
    }

    [Fact]
    public void At_its_bound_a_new_entry_starts_it_over()
    {
        var cache = new VisitorTotalsCache(capacity: 2);
        cache.Set(Hits, Alice, Total(1));
        cache.Set(Hits, Bob, Total(2));

        cache.Set(Other, Alice, Total(3));

        Assert.Equal(1, cache.Count);
        Assert.False(cache.TryGet(Hits, Alice, out _));
    }

    [Fact]
    public void At_its_bound_an_entry_already_held_is_updated_in_place()
    {
        var cache = new VisitorTotalsCache(capacity: 2);
        cache.Set(Hits, Alice, Total(1));
        cache.Set(Hits, Bob, Total(2));

        cache.Set(Hits, Alice, Total(5));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(Hits, Alice, out var alice));
        Assert.Equal(Total(5), alice);
    }

    [Fact]
    public void Forgetting_visitors_of_one_counter_leaves_the_same_visitors_of_another()
    {
        var cache = new VisitorTotalsCache(capacity: 10);
        cache.Set(Hits, Alice, Total(1));
        cache.Set(Other, Alice, Total(2));

        cache.Forget(Hits, [Alice]);

        Assert.False(cache.TryGet(Hits, Alice, out _));
        Assert.True(cache.TryGet(Other, Alice, out _));
    }
}
