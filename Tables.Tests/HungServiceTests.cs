using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Reading;
using LiveCounter.Tables.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// A Table service that accepts connections and never answers (the fault proxy hung in front of Azurite): every
/// request is still answered by its deadline, and the service answering again is all it takes to commit once more.
/// </summary>
public sealed class HungServiceTests(AzuriteFixture azurite)
{
    /// <summary>Short, so the run waits little; the rule is the same at the real 10 s.</summary>
    static readonly AnswerDeadline Deadline = new(TimeSpan.FromSeconds(1.5));

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>
    /// Far more than the deadline, far less than what the SDK's own timeouts and retries take without it (41 s for a
    /// read, ten minutes for a commit): a broken deadline fails the test instead of hanging the run.
    /// </summary>
    static Task<T> Answered<T>(Task<T> answer) => answer.WaitAsync(TimeSpan.FromSeconds(20), TimeProvider.System);

    async Task<(FaultProxy Proxy, TableCounterStore Store)> BehindAProxyAsync()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var proxy = FaultProxy.To(azurite.Azurite.Port);
        return (proxy, new TableCounterStore(azurite.Azurite.Open(table, proxy.Port)));
    }

    [Fact]
    public async Task An_increment_on_a_hung_service_is_answered_503_by_its_deadline_and_the_next_one_commits_once_it_answers()
    {
        var (proxy, store) = await BehindAProxyAsync();
        await using var _ = proxy;
        var useCase = new IncrementCounter(
            store, TimeProvider.System, CounterMetrics.Unregistered(), IncrementOptions.Default with { Deadline = Deadline }, Random.Shared);
        Assert.True((await useCase.ExecuteAsync(Increment(key: "before"), _ct)).Succeeded);
        proxy.Hang();

        var hung = await Answered(useCase.ExecuteAsync(Increment(key: "during"), _ct));
        proxy.Resume();
        var after = await Answered(useCase.ExecuteAsync(Increment(key: "after"), _ct));

        Assert.Equal(503, hung.Problem!.Status);
        Assert.True(after.Succeeded, after.Problem?.Detail);
        Assert.Equal(2, (await store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_read_of_a_hung_service_is_answered_503_by_its_deadline()
    {
        var (proxy, store) = await BehindAProxyAsync();
        await using var _ = proxy;
        proxy.Hang();

        ProblemOr<CounterSnapshot> read = await Answered(new GetCounter(store, TimeProvider.System, Deadline).ExecuteAsync(Hits, _ct));

        Assert.Equal(503, read.Problem!.Status);
    }
}
