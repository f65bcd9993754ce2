using LiveCounter.Reading;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Reading;

/// <summary>A read is the sum of the counter's lanes; a store that fails or hangs is a 503 that says which, and a caller who leaves is let go.</summary>
public sealed class GetCounterTests
{
    readonly InMemoryCounterStore _memory = new();
    readonly FakeTimeProvider _time = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    GetCounter Reading(ICounterStore store) => new(store, _time, AnswerDeadline.Default);

    [Fact]
    public async Task A_counter_never_incremented_reads_as_zero()
    {
        var counter = (await Reading(_memory).ExecuteAsync(Hits, _ct)).Value!;

        Assert.Equal(CounterSnapshot.Initial(Hits), counter);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_a_503_saying_it_is_unavailable()
    {
        var store = new Mock<ICounterStore>();
        store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ThrowsAsync(new CounterStoreUnavailableException("down"));

        var problem = (await Reading(store.Object).ExecuteAsync(Hits, _ct)).Problem!;

        Assert.Equal(503, problem.Status);
        Assert.Equal("The counter store is unavailable. Try again shortly.", problem.Detail);
    }

    [Fact]
    public async Task A_store_that_hangs_is_a_503_at_the_deadline_saying_it_did_not_answer()
    {
        var read = Reading(new HangingStore(_memory) { ReadsHang = true }).ExecuteAsync(Hits, _ct);

        _time.Advance(AnswerDeadline.Default.Within);

        var problem = (await read.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, _ct)).Problem!;
        Assert.Equal("The counter store did not answer in time. Try again shortly.", problem.Detail);
    }

    [Fact]
    public async Task A_caller_who_gives_up_is_let_go_without_an_answer()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        var read = Reading(new HangingStore(_memory) { ReadsHang = true }).ExecuteAsync(Hits, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, _ct));
    }
}
