using LiveCounter.Increments;
using LiveCounter.Retention;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Metrics;

/// <summary>The meter <c>LiveCounter</c> says what the use cases did: per commit, per increment, per outcome.</summary>
public sealed class CounterMetricsTests : IDisposable
{
    static readonly RetryPolicy Policy = new(MaxAttempts: 3, BaseDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromMilliseconds(2));

    readonly MetricsRecorder _recorder = new();
    readonly InMemoryCounterStore _memory = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <param name="salt">The process's random seed: two use cases with the same one start on the same lane.</param>
    IncrementCounter UseCase(ICounterStore store, int salt = 1) => new(store, new InstantTimeProvider(), _recorder.Metrics, new IncrementOptions(GroupCommit: true, Policy), new Random(salt));

    [Fact]
    public async Task Commits_count_their_increments_and_their_batch_size_and_time_each_try_by_outcome()
    {
        var gated = new GatedStore(_memory);
        var useCase = UseCase(gated);
        gated.Hold();
        var arrived = gated.Arrived(1);
        var first = useCase.ExecuteAsync(Increment(key: "a"), _ct);
        await arrived;
        var then = new[] { useCase.ExecuteAsync(Increment(), _ct), useCase.ExecuteAsync(Increment(), _ct), useCase.ExecuteAsync(Increment(key: "a"), _ct) };
        gated.Open();
        await Task.WhenAll([first, .. then]);

        Assert.Equal(2, _recorder.Sum("livecounter.commits"));
        Assert.Equal(3, _recorder.Sum("livecounter.increments"));
        Assert.Equal([1.0, 2.0], _recorder.Of("livecounter.batch.size").Select(m => m.Value));
        Assert.Equal(1, _recorder.Sum("livecounter.replays"));
        Assert.Equal(["committed", "key_taken", "committed"], _recorder.Of("livecounter.commit.duration").Select(m => m.Tag));
        Assert.All(_recorder.Of("livecounter.commit.duration"), m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task A_conflict_counts_as_a_conflict_a_lane_move_and_a_retry_and_the_budget_running_out_as_contended()
    {
        var stale = UseCase(_memory, salt: 5);
        await stale.ExecuteAsync(Increment(), _ct);
        var elsewhere = UseCase(_memory, salt: 5);
        await elsewhere.ExecuteAsync(Increment(), _ct);
        var alwaysConflicting = new Mock<ICounterStore>();
        alwaysConflicting.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(CounterLanes.None(Hits));
        alwaysConflicting.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.Conflict(ConflictedRow.Lane));

        await stale.ExecuteAsync(Increment(), _ct);
        var refused = await UseCase(alwaysConflicting.Object).ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, refused.Problem!.Status);
        Assert.Equal(1 + Policy.MaxAttempts, _recorder.Sum("livecounter.conflicts"));
        Assert.Equal(1 + Policy.MaxAttempts, _recorder.Sum("livecounter.lane.moves"));
        Assert.Equal(1 + Policy.MaxAttempts - 1, _recorder.Sum("livecounter.retries", "conflict"));
        Assert.Equal(1, _recorder.Sum("livecounter.unavailable", "contended"));
        Assert.Equal(1 + Policy.MaxAttempts, _recorder.Of("livecounter.commit.duration").Count(m => m.Tag == "conflict"));
    }

    [Fact]
    public async Task Lost_answers_count_as_retries_and_503s_say_whether_nothing_was_written_or_it_is_unconfirmed()
    {
        var lossy = new LossyStore(_memory);
        lossy.LoseNext(LossyStore.Loss.Answer);
        await UseCase(lossy).ExecuteAsync(Increment(), _ct);
        var down = new Mock<ICounterStore>();
        down.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ThrowsAsync(new CounterStoreUnavailableException("down"));
        var unknown = new Mock<ICounterStore>();
        unknown.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(CounterLanes.None(Hits));
        unknown.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>())).ReturnsAsync(new CommitOutcome.Unknown());

        await UseCase(down.Object).ExecuteAsync(Increment(), _ct);
        await UseCase(unknown.Object).ExecuteAsync(Increment(), _ct);

        Assert.Equal(1 + Policy.MaxAttempts - 1, _recorder.Sum("livecounter.retries", "unknown"));
        Assert.Equal(1, _recorder.Sum("livecounter.unavailable", "store"));
        Assert.Equal(1, _recorder.Sum("livecounter.unavailable", "unconfirmed"));
        Assert.Equal(["unknown", "committed", "unknown", "unknown", "unknown"], _recorder.Of("livecounter.commit.duration").Select(m => m.Tag));
    }

    [Fact]
    public async Task A_visitor_whose_commit_was_confirmed_only_on_its_resend_is_read_afresh_and_costs_no_conflict_next_time()
    {
        var lossy = new LossyStore(_memory);
        var useCase = UseCase(lossy);
        lossy.LoseNext(LossyStore.Loss.Answer);
        Assert.Equal(1, (await useCase.ExecuteAsync(Increment(visitor: Alice), _ct)).Value!.Result.VisitorTotal);

        Assert.Equal(2, (await useCase.ExecuteAsync(Increment(visitor: Alice), _ct)).Value!.Result.VisitorTotal);

        Assert.Equal(0, _recorder.Sum("livecounter.conflicts"));
    }

    [Fact]
    public async Task A_sweep_counts_the_records_it_deleted()
    {
        var time = new FakeTimeProvider();
        var useCase = new IncrementCounter(_memory, time, _recorder.Metrics);
        await useCase.ExecuteAsync(Increment(key: "a"), _ct);
        await useCase.ExecuteAsync(Increment(key: "b"), _ct);
        time.Advance(TimeSpan.FromDays(2));

        await new SweepExpiredRecords(_memory, time, RetentionOptions.Default, _recorder.Metrics).ExecuteAsync(_ct);

        Assert.Equal(2, _recorder.Sum("livecounter.records.expired"));
    }

    [Fact]
    public async Task A_store_full_counts_its_increments_by_limit()
    {
        var full = UseCase(new InMemoryCounterStore(InMemoryLimits.Default with { MaxCounters = 0 }));

        await full.ExecuteAsync(Increment(), _ct);

        Assert.Equal(1, _recorder.Sum("livecounter.store.full", "counters"));
        Assert.Equal(["full"], _recorder.Of("livecounter.commit.duration").Select(m => m.Tag));
    }

    [Fact]
    public async Task A_store_refusing_outright_is_timed_under_its_own_outcome()
    {
        var unavailable = new Mock<ICounterStore>();
        unavailable.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(CounterLanes.None(Hits));
        unavailable.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>())).ReturnsAsync(new CommitOutcome.Unavailable());

        await UseCase(unavailable.Object).ExecuteAsync(Increment(), _ct);

        Assert.Equal(["unavailable"], _recorder.Of("livecounter.commit.duration").Select(m => m.Tag));
    }

    public void Dispose() => _recorder.Dispose();
}
