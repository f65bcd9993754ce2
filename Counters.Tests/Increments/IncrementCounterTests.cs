using LiveCounter.GroupCommit;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Increments;

/// <summary>
/// The use case's retry loop against a store that answers exactly what each test scripts. The store answers at once,
/// so a read of the other lanes alongside a commit has always finished when the next batch is planned: the reads
/// counted below are exact.
/// </summary>
public sealed class IncrementCounterTests
{
    static readonly RetryPolicy Policy = new(MaxAttempts: 5, BaseDelay: TimeSpan.FromMilliseconds(10), MaxDelay: TimeSpan.FromMilliseconds(40));

    /// <summary>The lane this process starts on: the use case's salt is the mocked random's 0.</summary>
    static readonly LaneId Mine = LaneId.FirstFor(Hits, 0);

    readonly Mock<ICounterStore> _store = new(MockBehavior.Strict);
    readonly InstantTimeProvider _time = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    IncrementCounter UseCase() =>
        new(_store.Object, _time, CounterMetrics.Unregistered(), new IncrementOptions(GroupCommit: true, Policy), Mock.Of<Random>(r => r.NextDouble() == 0.5));

    /// <summary>The counter with only this process's lane written, at <paramref name="value"/> and <paramref name="version"/>.</summary>
    CounterLanes At(long value, long version, params LaneRow[] others) =>
        new(Hits, [.. others, .. version == 0 ? Array.Empty<LaneRow>() : [new LaneRow(Mine, new Tally(value, new CounterVersion(version), _time.GetUtcNow()), $"etag-{version}")]], Tally.Zero);

    void StoreReads(long value, long version, long visitorTotal = 0)
    {
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(() => At(value, version));
        _store.Setup(s => s.ReadTotalsAsync(Hits, It.IsAny<IReadOnlyCollection<VisitorId>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CounterName _, IReadOnlyCollection<VisitorId> visitors, CancellationToken _) =>
                visitors.ToDictionary(v => v, _ => visitorTotal == 0 ? VisitorTotal.None : new VisitorTotal(visitorTotal, "visitor-etag")));
    }

    static CommitOutcome.Committed Committed(string laneToken) => new(laneToken, new Dictionary<VisitorId, string>());

    void CommitsAnswer(params CommitOutcome[] outcomes)
    {
        var sequence = _store.SetupSequence(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()));
        foreach (var outcome in outcomes)
        {
            sequence = sequence.ReturnsAsync(outcome);
        }
    }

    [Fact]
    public async Task An_applied_increment_adds_by_to_its_lane_raises_the_version_by_exactly_one_and_commits_against_the_lane_s_token()
    {
        StoreReads(value: 10, version: 4, visitorTotal: 3);
        CommitBatch? committed = null;
        _store.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()))
            .Callback<CommitBatch, CancellationToken>((batch, _) => committed = batch)
            .ReturnsAsync(Committed("etag-5"));

        var outcome = await UseCase().ExecuteAsync(Increment(by: 5, key: "k1", visitor: Alice), _ct);

        Assert.False(outcome.Value!.Replayed);
        var counter = outcome.Value.Result.Counter;
        Assert.Equal((15L, new CounterVersion(5), _time.GetUtcNow()), (counter.Value, counter.Version, counter.UpdatedAt!.Value));
        Assert.Equal(new LanePosition(Mine, new CounterVersion(5)), outcome.Value.Result.Position);
        Assert.Equal(8, outcome.Value.Result.VisitorTotal);
        Assert.Equal((Mine, "etag-4"), (committed!.Lane.Id, committed.Lane.Token));
        Assert.Equal("k1", Assert.Single(committed.Records).Key.Value);
        Assert.Equal(new VisitorTotalUpdate(8, "visitor-etag"), committed.Totals[Alice]);
        Assert.Equal(_time.GetUtcNow(), committed.At);
    }

    [Fact]
    public async Task An_answer_counts_its_own_lane_exactly_and_the_other_lanes_as_read()
    {
        var theirs = new LaneRow(Mine.Other(new Random(1)), new Tally(100, new CounterVersion(40), _time.GetUtcNow()), "theirs");
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(() => At(10, 4, theirs));
        CommitBatch? committed = null;
        _store.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()))
            .Callback<CommitBatch, CancellationToken>((batch, _) => committed = batch)
            .ReturnsAsync(Committed("etag-5"));

        var outcome = await UseCase().ExecuteAsync(Increment(by: 2), _ct);

        Assert.Equal((112L, new CounterVersion(45)), (outcome.Value!.Result.Counter.Value, outcome.Value.Result.Counter.Version));
        Assert.Equal(new Tally(12, new CounterVersion(5), _time.GetUtcNow()), committed!.LaneAfter);
    }

    [Fact]
    public async Task A_lane_never_written_is_added_without_a_token()
    {
        StoreReads(value: 0, version: 0);
        CommitsAnswer(Committed("etag-1"));

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(new CounterVersion(1), outcome.Value!.Result.Counter.Version);
        _store.Verify(s => s.CommitAsync(It.Is<CommitBatch>(b => b.Lane.Token == null && b.Lane.Id == Mine), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_conflict_on_the_lane_moves_to_another_lane_and_retries_on_it_after_a_growing_jittered_backoff()
    {
        StoreReads(value: 1, version: 1);
        var sent = new List<CommitBatch>();
        _store.SetupSequence(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.Conflict(ConflictedRow.Lane))
            .ReturnsAsync(new CommitOutcome.Conflict(ConflictedRow.Lane))
            .ReturnsAsync(Committed("etag-other-1"));
        var useCase = UseCase();

        var outcome = await useCase.ExecuteAsync(Increment(), _ct);

        Assert.Equal((2L, new CounterVersion(2)), (outcome.Value!.Result.Counter.Value, outcome.Value.Result.Counter.Version));
        Assert.Equal(Mine, sent[0].Lane.Id);
        Assert.NotEqual(sent[0].Lane.Id, sent[1].Lane.Id);
        Assert.NotEqual(sent[1].Lane.Id, sent[2].Lane.Id);
        Assert.All(sent.Skip(1), batch => Assert.Null(batch.Lane.Token));
        Assert.Equal(sent[2].Lane.Id, useCase.LaneOf(Hits));
        Assert.Equal([TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10)], _time.Delays);
    }

    [Fact]
    public async Task A_conflict_on_a_visitor_s_total_keeps_the_lane_and_reads_the_visitor_again()
    {
        var totals = new Queue<long>([3, 7]);
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(() => At(1, 1));
        _store.Setup(s => s.ReadTotalsAsync(Hits, It.IsAny<IReadOnlyCollection<VisitorId>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CounterName _, IReadOnlyCollection<VisitorId> visitors, CancellationToken _) =>
                visitors.ToDictionary(v => v, _ => new VisitorTotal(totals.Dequeue(), "visitor-etag")));
        var sent = new List<CommitBatch>();
        _store.SetupSequence(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.Conflict(ConflictedRow.Visitor))
            .ReturnsAsync(Committed("etag-2"));

        var outcome = await UseCase().ExecuteAsync(Increment(visitor: Alice), _ct);

        Assert.Equal(8, outcome.Value!.Result.VisitorTotal);
        Assert.Equal([Mine, Mine], sent.Select(batch => batch.Lane.Id));
    }

    [Fact]
    public async Task Endless_conflict_is_503_after_the_budget_saying_nothing_was_written()
    {
        StoreReads(value: 1, version: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>())).ReturnsAsync(new CommitOutcome.Conflict(ConflictedRow.Lane));

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.Equal(1, outcome.Problem.RetryAfterSeconds);
        Assert.Contains("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
        _store.Verify(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()), Times.Exactly(Policy.MaxAttempts));
        Assert.Equal(Policy.MaxAttempts - 1, _time.Delays.Count);
        Assert.All(_time.Delays, d => Assert.True(d <= Policy.MaxDelay));
    }

    [Fact]
    public async Task An_unavailable_store_is_503_at_once_saying_nothing_was_written()
    {
        StoreReads(value: 1, version: 1);
        CommitsAnswer(new CommitOutcome.Unavailable());

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.Contains("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
        _store.Verify(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task An_unavailable_store_on_read_is_503_with_no_commit()
    {
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ThrowsAsync(new CounterStoreUnavailableException("down"));

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        _store.Verify(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_lost_answer_sends_the_very_same_batch_again_marked_as_sent_before()
    {
        StoreReads(value: 1, version: 1);
        var sent = new List<CommitBatch>();
        _store.SetupSequence(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.Unknown())
            .ReturnsAsync(Committed("etag-2"));

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(new CounterVersion(2), outcome.Value!.Result.Counter.Version);
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0].Id, sent[1].Id);
        Assert.Equal(sent[0] with { SentBefore = true }, sent[1]);
        Assert.False(sent[0].SentBefore);
    }

    [Fact]
    public async Task An_outcome_that_stays_unknown_is_503_after_the_budget_that_never_claims_nothing_was_written()
    {
        StoreReads(value: 1, version: 1);
        _store.Setup(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>())).ReturnsAsync(new CommitOutcome.Unknown());
        var useCase = UseCase();

        var outcome = await useCase.ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.DoesNotContain("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("same Idempotency-Key", outcome.Problem.Detail, StringComparison.Ordinal);
        _store.Verify(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()), Times.Exactly(Policy.MaxAttempts));
    }

    [Fact]
    public async Task After_an_unconfirmed_batch_the_next_one_reads_its_lane_again_as_the_batch_may_have_landed()
    {
        StoreReads(value: 1, version: 1);
        var outcomes = new Queue<CommitOutcome>(Enumerable.Repeat<CommitOutcome>(new CommitOutcome.Unknown(), Policy.MaxAttempts));
        var sent = new List<CommitBatch>();
        _store.Setup(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => outcomes.TryDequeue(out var next) ? next : Committed("etag-2"));
        var useCase = UseCase();

        await useCase.ExecuteAsync(Increment(), _ct);
        await useCase.ExecuteAsync(Increment(), _ct);

        // A new batch is planned on a lane read after the unconfirmed one, not on what the unconfirmed one assumed.
        Assert.NotEqual(sent[0].Id, sent[^1].Id);
        Assert.Equal(sent[0].Lane, sent[^1].Lane);
        _store.Verify(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>()), Times.AtLeast(2));
    }

    [Fact]
    public async Task A_definite_refusal_after_a_lost_answer_settles_it_so_a_later_outage_says_nothing_was_written()
    {
        StoreReads(value: 1, version: 1);
        CommitsAnswer(new CommitOutcome.Unknown(), new CommitOutcome.Conflict(ConflictedRow.Lane), new CommitOutcome.Unavailable());

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Contains("Nothing was written", outcome.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_s_total_is_read_once_and_then_kept_with_its_token()
    {
        StoreReads(value: 1, version: 1, visitorTotal: 4);
        var sent = new List<CommitBatch>();
        _store.Setup(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync((CommitBatch batch, CancellationToken _) => new CommitOutcome.Committed(
                $"etag-{batch.LaneAfter.Version.Value}", batch.Totals.ToDictionary(t => t.Key, t => $"visitor-{t.Value.Total}")));
        var useCase = UseCase();

        var first = await useCase.ExecuteAsync(Increment(2, visitor: Alice), _ct);
        var second = await useCase.ExecuteAsync(Increment(3, visitor: Alice), _ct);
        var anonymous = await useCase.ExecuteAsync(Increment(), _ct);

        Assert.Equal((6L, 9L), (first.Value!.Result.VisitorTotal!.Value, second.Value!.Result.VisitorTotal!.Value));
        Assert.True(anonymous.Succeeded);
        Assert.Equal(new VisitorTotalUpdate(9, "visitor-6"), sent[1].Totals[Alice]);
        _store.Verify(s => s.ReadTotalsAsync(Hits, It.IsAny<IReadOnlyCollection<VisitorId>>(), It.IsAny<CancellationToken>()), Times.Once);

        // One read to plan the first batch; the next commits come sooner than a read of the other lanes is due.
        _store.Verify(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["etag-1", "etag-2", "etag-3"], sent.Select(b => b.Lane.Token));
    }

    [Fact]
    public async Task The_read_that_plans_a_batch_counts_as_the_last_read_of_the_other_lanes_so_none_goes_beside_its_commit()
    {
        var time = new FakeTimeProvider();
        // A slow read: by its end a read of the others would be overdue, but for that read itself.
        _store.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).Callback(() => time.Advance(OthersReadPacing.Oldest)).ReturnsAsync(() => At(1, 1));
        CommitsAnswer(Committed("etag-2"));
        var useCase = new IncrementCounter(
            _store.Object, time, CounterMetrics.Unregistered(), new IncrementOptions(GroupCommit: true, Policy), Mock.Of<Random>(r => r.NextDouble() == 0.5));

        await useCase.ExecuteAsync(Increment(), _ct);

        _store.Verify(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_commit_confirmed_without_its_lane_s_token_makes_the_next_batch_read_the_lane_first()
    {
        StoreReads(value: 1, version: 1);
        var sent = new List<CommitBatch>();
        _store.SetupSequence(s => s.CommitAsync(Capture.In(sent), It.IsAny<CancellationToken>()))
            .ReturnsAsync(CommitOutcome.Committed.WithoutTokens)
            .ReturnsAsync(Committed("etag-2"));
        var useCase = UseCase();

        await useCase.ExecuteAsync(Increment(), _ct);
        await useCase.ExecuteAsync(Increment(), _ct);

        _store.Verify(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal("etag-1", sent[1].Lane.Token);
    }

    [Fact]
    public async Task Arguments_are_checked()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => UseCase().ExecuteAsync(null!, _ct));
        Assert.Throws<ArgumentNullException>(() => new IncrementCounter(_store.Object, _time, CounterMetrics.Unregistered(), null!, Random.Shared));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy.DelayAfter(0, 0.5));
    }

    [Fact]
    public async Task A_store_that_becomes_unreachable_after_a_lost_answer_still_does_not_claim_nothing_was_written()
    {
        StoreReads(value: 1, version: 1);
        CommitsAnswer(new CommitOutcome.Unknown(), new CommitOutcome.Unavailable(), new CommitOutcome.Unavailable(), new CommitOutcome.Unavailable(), new CommitOutcome.Unavailable());

        var outcome = await UseCase().ExecuteAsync(Increment(), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.DoesNotContain("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_taken_with_the_same_by_replays_the_stored_result_and_sends_nothing()
    {
        StoreReads(value: 50, version: 20);
        var first = new IncrementResult(new CounterSnapshot(Hits, 7, new CounterVersion(3), _time.GetUtcNow()), Amount.From(2).Value!, Alice, 4, null);
        CommitsAnswer(new CommitOutcome.KeyTaken(0, first));

        var outcome = await UseCase().ExecuteAsync(Increment(by: 2, key: "k1", visitor: Alice), _ct);

        Assert.True(outcome.Value!.Replayed);
        Assert.Same(first, outcome.Value.Result);
        Assert.Equal(Broadcast.Nothing, outcome.Value.Broadcast);
    }

    [Fact]
    public async Task A_key_taken_with_another_by_is_422()
    {
        StoreReads(value: 50, version: 20);
        var first = new IncrementResult(new CounterSnapshot(Hits, 7, new CounterVersion(3), _time.GetUtcNow()), Amount.From(2).Value!, Alice, 4, null);
        CommitsAnswer(new CommitOutcome.KeyTaken(0, first));

        var outcome = await UseCase().ExecuteAsync(Increment(by: 5, key: "k1", visitor: Alice), _ct);

        Assert.Equal(422, outcome.Problem!.Status);
    }

    [Fact]
    public async Task A_store_fault_it_does_not_map_reaches_the_caller_as_an_exception_and_the_next_increment_reads_afresh()
    {
        StoreReads(value: 1, version: 1);
        _store.SetupSequence(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("bug"))
            .ReturnsAsync(Committed("etag-2"));
        var useCase = UseCase();

        await Assert.ThrowsAsync<InvalidOperationException>(() => useCase.ExecuteAsync(Increment(), _ct));
        var next = await useCase.ExecuteAsync(Increment(), _ct);

        Assert.True(next.Succeeded);
        _store.Verify(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
