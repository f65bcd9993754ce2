using LiveCounter.Metrics;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using Moq;

namespace LiveCounter.Standalone.Tests.Api;

public sealed class AnswersWhenTheStoreFailsTests
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    static async Task<LiveCounterServer> StartWith(Mock<ICounterStore> store)
    {
        var server = new LiveCounterServer().WithStore(store.Object);
        await server.InitializeAsync();
        return server;
    }

    [Fact]
    public async Task An_unreachable_store_is_503_with_retry_after_and_writes_nothing()
    {
        var store = new Mock<ICounterStore>(MockBehavior.Strict);
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CounterStoreUnavailableException("down"));
        await using var server = await StartWith(store);
        using var http = server.CreateHttpClient();

        using var increment = await http.IncrementAsync("down", cancellationToken: _ct);
        using var read = await http.GetAsync("api/counters/down", _ct);

        await increment.AssertProblemAsync(503);
        await read.AssertProblemAsync(503);
        Assert.Equal("1", Assert.Single(increment.Headers.GetValues("Retry-After")));
        Assert.Equal("1", Assert.Single(read.Headers.GetValues("Retry-After")));
        Assert.Contains("Retry-After", Assert.Single(increment.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.Ordinal);
        Assert.Contains("Retry-After", Assert.Single(read.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.Ordinal);
        store.Verify(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task The_in_memory_store_full_of_counters_answers_a_new_one_507_and_keeps_counting_the_others()
    {
        await using var server = new LiveCounterServer().WithSetting("LiveCounter:InMemory:MaxCounters", "1");
        await server.InitializeAsync();
        using var http = server.CreateHttpClient();
        await http.IncrementOkAsync("kept", cancellationToken: _ct);

        using var refused = await http.IncrementAsync("one-too-many", cancellationToken: _ct);

        var problem = await refused.AssertProblemAsync(507);
        Assert.Contains("MaxCounters", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await http.GetCounterAsync("one-too-many", _ct)).Value);
        await http.IncrementOkAsync("kept", cancellationToken: _ct);
        Assert.Equal(2, (await http.GetCounterAsync("kept", _ct)).Value);
    }

    [Fact]
    public async Task A_store_failing_unexpectedly_is_a_500_problem_not_a_page()
    {
        var store = new Mock<ICounterStore>(MockBehavior.Strict);
        store.Setup(s => s.ReadAsync(It.IsAny<CounterName>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("boom"));
        await using var server = await StartWith(store);
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("api/counters/boom", _ct);

        var problem = await response.AssertProblemAsync(500);
        Assert.DoesNotContain("boom", problem.GetRawText(), StringComparison.Ordinal);
    }
}
