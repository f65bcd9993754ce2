using LiveCounter.Increments;
using LiveCounter.Storage;
using LiveCounter.Visitors;

namespace LiveCounter.Tests.Storage;

/// <summary>
/// Real threads, the real clock and the real retry policy against the in-memory store: the counter must come out
/// exact. Remove the store's conditional replace and these fail with lost updates.
/// </summary>
public sealed class ConcurrencyTests
{
    static readonly CounterName Hot = CounterName.Parse("hot").Value!;

    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    // Generous enough that a writer who keeps losing the race on a loaded 2-core machine still gets through:
    // a 503 here would be a flaky test, not a lost update, and the assertions below count both.
    IncrementCounter UseCase() =>
        new(new LatentStore(_store), TimeProvider.System, new RetryPolicy(MaxAttempts: 200, BaseDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromMilliseconds(20)), Random.Shared);

    [Fact]
    public async Task Sixty_four_writers_times_five_hundred_increments_end_exact()
    {
        const int Writers = 64, Each = 500;
        var useCase = UseCase();
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                var outcome = await useCase.ExecuteAsync(new IncrementRequest(Hot, Amount.One, null, null), _ct);
                if (!outcome.Succeeded)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, _ct)));

        var final = (await _store.ReadAsync(Hot, null, _ct)).Counter;
        Assert.Equal(0, failures);
        Assert.Equal(Writers * Each, final.Value);
        Assert.Equal(new Version(Writers * Each), final.Version);
    }

    [Fact]
    public async Task One_visitor_from_sixteen_parallel_tasks_ends_with_an_exact_total()
    {
        const int Tasks = 16, Each = 250;
        var visitor = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;
        var useCase = UseCase();
        var by = Amount.From(3).Value!;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                Assert.True((await useCase.ExecuteAsync(new IncrementRequest(Hot, by, null, visitor), _ct)).Succeeded);
            }
        }, _ct)));

        var final = await _store.ReadAsync(Hot, visitor, _ct);
        Assert.Equal(Tasks * Each * 3, final.VisitorTotal);
        Assert.Equal(Tasks * Each * 3, final.Counter.Value);
    }

    [Fact]
    public async Task A_thousand_concurrent_tries_of_one_key_increment_once_and_all_see_the_same_result()
    {
        var useCase = UseCase();
        var key = IdempotencyKey.Parse("same-key").Value!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            Task.Run(() => useCase.ExecuteAsync(new IncrementRequest(Hot, Amount.One, key, null), _ct), _ct)));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Single(outcomes, o => !o.Value!.Replayed);
        Assert.Single(outcomes.Select(o => o.Value!.Result).Distinct());
        Assert.Equal(1, (await _store.ReadAsync(Hot, null, _ct)).Counter.Value);
    }
}
