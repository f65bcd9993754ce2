using LiveCounter.Increments;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Visitors;
using LiveCounter.Wire;

namespace LiveCounter.Tests.Increments;

public sealed class IncrementCounterTests
{
    static readonly CounterName Hits = CounterName.Parse("hits").Value!;
    static readonly VisitorId Alice = VisitorId.Parse("3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a", "test").Value!;
    static readonly RetryPolicy Policy = new(MaxAttempts: 5, BaseDelay: TimeSpan.FromMilliseconds(10), MaxDelay: TimeSpan.FromMilliseconds(40));

    readonly Mock<ICounterStore> _store = new(MockBehavior.Strict);
    readonly InstantTimeProvider _time = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    IncrementCounter UseCase() => new(_store.Object, _time, Policy, Mock.Of<Random>(r => r.NextDouble() == 0.5));

    static IncrementRequest Request(int by = 1, string? key = null, VisitorId? visitor = null) =>
        new(Hits, Amount.From(by).Value!, key is null ? null : IdempotencyKey.Parse(key).Value, visitor);

    void StoreReads(long value, long version, long visitorTotal = 0) =>
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<VisitorId?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new CounterState(
                new CounterSnapshot(Hits, value, new Version(version), version == 0 ? null : _time.GetUtcNow()),
                version == 0 ? null : $"etag-{version}",
                visitorTotal));

    [Fact]
    public async Task An_applied_increment_adds_by_and_raises_the_version_by_exactly_one()
    {
        StoreReads(value: 10, version: 4, visitorTotal: 3);
        PendingIncrement? committed = null;
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()))
            .Callback<PendingIncrement, CancellationToken>((p, _) => committed = p)
            .ReturnsAsync(CommitOutcome.Applied);

        var outcome = await UseCase().ExecuteAsync(Request(by: 5, key: "k1", visitor: Alice), _ct);

        Assert.True(outcome.Succeeded);
        Assert.False(outcome.Value.Replayed);
        var counter = outcome.Value.Result.Counter;
        Assert.Equal((15L, new Version(5), _time.GetUtcNow()), (counter.Value, counter.Version, counter.UpdatedAt!.Value));
        Assert.Equal(8, outcome.Value.Result.VisitorTotal);
        Assert.Equal("etag-4", committed!.ExpectedToken);
        Assert.Equal("k1", committed.Key!.Value);
    }

    [Fact]
    public async Task A_new_counter_is_committed_without_a_token()
    {
        StoreReads(value: 0, version: 0);
        _store.Setup(s => s.CommitAsync(It.Is<PendingIncrement>(p => p.ExpectedToken == null), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CommitOutcome.Applied);

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.Equal(new Version(1), outcome.Value!.Result.Counter.Version);
    }

    [Fact]
    public async Task It_broadcasts_to_the_counter_group_and_to_the_visitor()
    {
        StoreReads(value: 1, version: 1, visitorTotal: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>())).ReturnsAsync(CommitOutcome.Applied);

        var outcome = await UseCase().ExecuteAsync(Request(by: 2, visitor: Alice), _ct);

        var messages = outcome.Value!.Messages;
        Assert.Equal(2, messages.Count);
        Assert.Equal(CounterHubContract.CounterUpdated, messages[0].Target);
        Assert.Equal(new Audience.Group("counter:hits"), messages[0].To);
        Assert.Equal(new CounterView("hits", 3, 2, _time.GetUtcNow()), messages[0].Argument);
        Assert.Equal(CounterHubContract.IncrementApplied, messages[1].Target);
        Assert.Equal(new Audience.User(Alice), messages[1].To);
        Assert.Equal(new IncrementAppliedView("hits", 3, 2, By: 2, YourTotal: 3), messages[1].Argument);
    }

    [Fact]
    public async Task An_anonymous_increment_broadcasts_only_to_the_group_and_has_no_total()
    {
        StoreReads(value: 1, version: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>())).ReturnsAsync(CommitOutcome.Applied);

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.Null(outcome.Value!.Result.VisitorTotal);
        var only = Assert.Single(outcome.Value.Messages);
        Assert.IsType<Audience.Group>(only.To);
    }

    [Fact]
    public async Task Conflict_twice_then_success_takes_three_attempts_with_growing_delays()
    {
        StoreReads(value: 1, version: 1);
        _store.SetupSequence(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CommitOutcome.Conflict)
            .ReturnsAsync(CommitOutcome.Conflict)
            .ReturnsAsync(CommitOutcome.Applied);

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.True(outcome.Succeeded);
        _store.Verify(s => s.ReadAsync(Hits, null, It.IsAny<CancellationToken>()), Times.Exactly(3));
        _store.Verify(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
        Assert.Equal([TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10)], _time.Delays);
    }

    [Fact]
    public async Task Endless_conflict_is_503_after_the_budget_with_nothing_sent()
    {
        StoreReads(value: 1, version: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>())).ReturnsAsync(CommitOutcome.Conflict);

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.Equal(1, outcome.Problem.RetryAfterSeconds);
        _store.Verify(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()), Times.Exactly(Policy.MaxAttempts));
        Assert.Equal(Policy.MaxAttempts - 1, _time.Delays.Count);
        Assert.All(_time.Delays, d => Assert.True(d <= Policy.MaxDelay));
    }

    [Fact]
    public async Task An_unavailable_commit_is_503_at_once()
    {
        StoreReads(value: 1, version: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>())).ReturnsAsync(CommitOutcome.Unavailable);

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        _store.Verify(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task An_unavailable_store_on_read_is_503_with_nothing_written()
    {
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<VisitorId?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CounterStoreUnavailableException("down"));

        var outcome = await UseCase().ExecuteAsync(Request(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        _store.Verify(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_recorded_key_with_the_same_by_replays_the_first_result_and_sends_nothing()
    {
        StoreReads(value: 50, version: 20);
        var first = new IncrementResult(new CounterSnapshot(Hits, 7, new Version(3), _time.GetUtcNow()), Amount.From(2).Value!, Alice, 4);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.AlreadyRecorded(first));

        var outcome = await UseCase().ExecuteAsync(Request(by: 2, key: "k1", visitor: Alice), _ct);

        Assert.True(outcome.Value!.Replayed);
        Assert.Same(first, outcome.Value.Result);
        Assert.Empty(outcome.Value.Messages);
    }

    [Fact]
    public async Task A_recorded_key_with_another_by_is_422()
    {
        StoreReads(value: 50, version: 20);
        var first = new IncrementResult(new CounterSnapshot(Hits, 7, new Version(3), _time.GetUtcNow()), Amount.From(2).Value!, Alice, 4);
        _store.Setup(s => s.CommitAsync(It.IsAny<PendingIncrement>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.AlreadyRecorded(first));

        var outcome = await UseCase().ExecuteAsync(Request(by: 5, key: "k1", visitor: Alice), _ct);

        Assert.Equal(422, outcome.Problem!.Status);
    }
}
