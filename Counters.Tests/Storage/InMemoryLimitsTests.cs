using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Retention;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Storage;

/// <summary>
/// The in-memory store holds at most what its limits allow: an increment that needs room past a limit is a 507 that
/// writes nothing, and everything already counted stays.
/// </summary>
public sealed class InMemoryLimitsTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    (InMemoryCounterStore Store, IncrementCounter UseCase) With(InMemoryLimits limits)
    {
        var store = new InMemoryCounterStore(limits);
        return (store, new IncrementCounter(store, _time, CounterMetrics.Unregistered()));
    }

    static CounterName Named(string name) => CounterName.Parse(name).Value!;

    static void AssertFull(ProblemOr<IncrementReply> outcome, string setting)
    {
        Assert.Equal(507, outcome.Problem!.Status);
        Assert.Contains(setting, outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_counter_past_the_limit_is_refused_and_the_counters_already_kept_go_on()
    {
        var (store, useCase) = With(InMemoryLimits.Default with { MaxCounters = 2 });
        await useCase.ExecuteAsync(Increment(counter: Named("one")), _ct);
        await useCase.ExecuteAsync(Increment(counter: Named("two")), _ct);

        var third = await useCase.ExecuteAsync(Increment(counter: Named("three")), _ct);

        AssertFull(third, "MaxCounters");
        Assert.Equal(0, (await store.ReadAsync(Named("three"), _ct)).Counter.Value);
        Assert.True((await useCase.ExecuteAsync(Increment(counter: Named("one")), _ct)).Succeeded);
        Assert.Equal(2, (await store.ReadAsync(Named("one"), _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_new_visitor_refused_for_want_of_room_for_its_record_takes_no_visitor_room_either()
    {
        var (store, useCase) = With(InMemoryLimits.Default with { MaxVisitors = 1, MaxRecords = 0 });

        AssertFull(await useCase.ExecuteAsync(Increment(key: "k1", visitor: Alice), _ct), "MaxRecords");

        Assert.True((await useCase.ExecuteAsync(Increment(visitor: Alice), _ct)).Succeeded);
        Assert.Equal(1, await store.TotalOfAsync(Hits, Alice));
    }

    [Fact]
    public async Task A_new_visitor_past_the_limit_is_refused_while_known_visitors_and_anonymous_increments_go_on()
    {
        var (store, useCase) = With(InMemoryLimits.Default with { MaxVisitors = 2 });
        await useCase.ExecuteAsync(Increment(visitor: Alice), _ct);
        await useCase.ExecuteAsync(Increment(visitor: Bob), _ct);

        var third = await useCase.ExecuteAsync(Increment(visitor: Visitor(3)), _ct);

        AssertFull(third, "MaxVisitors");
        Assert.True((await useCase.ExecuteAsync(Increment(visitor: Alice), _ct)).Succeeded);
        Assert.True((await useCase.ExecuteAsync(Increment(), _ct)).Succeeded);
        Assert.Equal(4, (await store.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.Equal(0, await store.TotalOfAsync(Hits, Visitor(3)));
    }

    [Fact]
    public async Task A_new_key_past_the_limit_is_refused_until_older_records_expire_and_replays_still_answer()
    {
        var (store, useCase) = With(InMemoryLimits.Default with { MaxRecords = 2 });
        await useCase.ExecuteAsync(Increment(key: "k1"), _ct);
        await useCase.ExecuteAsync(Increment(key: "k2"), _ct);

        AssertFull(await useCase.ExecuteAsync(Increment(key: "k3"), _ct), "MaxRecords");
        Assert.True((await useCase.ExecuteAsync(Increment(key: "k1"), _ct)).Value!.Replayed);

        _time.Advance(RetentionOptions.Default.Window + TimeSpan.FromSeconds(1));
        await new SweepExpiredRecords(store, _time, RetentionOptions.Default, CounterMetrics.Unregistered()).ExecuteAsync(_ct);

        Assert.True((await useCase.ExecuteAsync(Increment(key: "k3"), _ct)).Succeeded);
        Assert.Equal(3, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task Counters_created_at_once_from_many_threads_never_go_past_the_limit()
    {
        var (store, useCase) = With(InMemoryLimits.Default with { MaxCounters = 10 });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => useCase.ExecuteAsync(Increment(counter: Named($"c{i}")), _ct), _ct)));

        Assert.Equal(10, outcomes.Count(outcome => outcome.Succeeded));
        Assert.All(outcomes.Where(outcome => !outcome.Succeeded), outcome => Assert.Equal(507, outcome.Problem!.Status));
        var kept = 0;
        for (var i = 0; i < 200; i++)
        {
            kept += (int)(await store.ReadAsync(Named($"c{i}"), _ct)).Counter.Value;
        }

        Assert.Equal(10, kept);
    }
}
