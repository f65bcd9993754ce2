using LiveCounter.GroupCommit;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using LiveCounter.Wire;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>
/// Group commit, driven deterministically: <see cref="GatedStore"/> holds a commit in flight while more increments
/// arrive, so each test knows exactly which batch every increment lands in.
/// </summary>
public sealed class GroupCommitTests
{
    readonly InMemoryCounterStore _memory = new();
    readonly GatedStore _store;
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public GroupCommitTests() => _store = new GatedStore(_memory);

    /// <param name="salt">The process's random seed, which picks its lanes: processes with other seeds are on other lanes here.</param>
    IncrementCounter UseCase(ICounterStore? store = null, int salt = 1, TimeProvider? time = null) => new(
        store ?? _store, time ?? new InstantTimeProvider(), CounterMetrics.Unregistered(), IncrementOptions.Default, new Random(salt));

    /// <summary>Holds the store, lets <paramref name="first"/> reach it, then submits <paramref name="then"/> behind it.</summary>
    async Task<(Task<ProblemOr<IncrementReply>> First, Task<ProblemOr<IncrementReply>>[] Then)> BehindACommitInFlight(
        IncrementCounter useCase, IncrementRequest first, params IncrementRequest[] then)
    {
        _store.Hold();
        var arrived = _store.Arrived(_store.Batches.Count + 1);
        var committing = useCase.ExecuteAsync(first, _ct);
        await arrived;
        var queued = then.Select(request => useCase.ExecuteAsync(request, _ct)).ToArray();
        return (committing, queued);
    }

    [Fact]
    public async Task A_lone_increment_is_committed_at_once_waiting_for_no_company()
    {
        _store.Hold();

        var answer = UseCase().ExecuteAsync(Increment(), _ct);
        await _store.Arrived(1);

        Assert.Equal(1, Assert.Single(_store.Batches).Increments);
        _store.Open();
        Assert.Equal(1, (await answer).Value!.Result.Counter.Value);
    }

    [Fact]
    public async Task Increments_arriving_while_a_commit_is_in_flight_go_together_in_the_next_commit()
    {
        var (first, then) = await BehindACommitInFlight(UseCase(), Increment(), Increment(2), Increment(3), Increment(4));

        _store.Open();
        var answers = await Task.WhenAll([first, .. then]);

        Assert.Equal([1L, 3L], _store.Batches.Select(b => b.Increments));
        Assert.Equal([1L, 3L, 6L, 10L], answers.Select(a => a.Value!.Result.Counter.Value));
        Assert.Equal([1L, 2L, 3L, 4L], answers.Select(a => a.Value!.Result.Counter.Version.Value));
    }

    /// <summary>
    /// Behind a lone increment of Alice (version 1), one batch of: Alice +2 keyed, an anonymous +5, Bob +3 keyed, Alice +4,
    /// a repeat of Alice's key, and Bob's key reused with another by. Every answer is checked one by one against what
    /// running them one after another gives.
    /// </summary>
    [Fact]
    public async Task Each_answer_in_a_mixed_batch_is_what_running_the_increments_one_after_another_gives()
    {
        var (first, then) = await BehindACommitInFlight(
            UseCase(),
            Increment(1, visitor: Alice),
            Increment(2, "k1", Alice),
            Increment(5),
            Increment(3, "k2", Bob),
            Increment(4, visitor: Alice),
            Increment(2, "k1", Alice),
            Increment(9, "k2", Bob));

        _store.Open();
        await first;
        var answers = await Task.WhenAll(then);

        Assert.Equal([1L, 4L], _store.Batches.Select(b => b.Increments));
        Assert.Equal((3L, 2L, 3L, false), Summary(answers[0]));
        Assert.Equal((8L, 3L, (long?)null, false), Summary(answers[1]));
        Assert.Equal((11L, 4L, 3L, false), Summary(answers[2]));
        Assert.Equal((15L, 5L, 7L, false), Summary(answers[3]));
        Assert.Equal(answers[0].Value!.Result, answers[4].Value!.Result);
        Assert.True(answers[4].Value!.Replayed);
        Assert.Equal(422, answers[5].Problem!.Status);

        var batch = _store.Batches[1];
        Assert.Equal(["k1", "k2"], batch.Records.Select(r => r.Key.Value));
        Assert.Equal(new Dictionary<Visitors.VisitorId, long> { [Alice] = 7, [Bob] = 3 }, batch.Totals.ToDictionary(t => t.Key, t => t.Value.Total));
        Assert.Equal(5, batch.Entities);
    }

    [Fact]
    public async Task A_commit_sends_one_counter_update_and_one_increment_applied_per_visitor_with_the_sum_of_its_by()
    {
        var (first, then) = await BehindACommitInFlight(
            UseCase(), Increment(), Increment(2, visitor: Alice), Increment(3, visitor: Bob), Increment(4, visitor: Alice), Increment(5));

        _store.Open();
        await first;
        var broadcasts = (await Task.WhenAll(then)).Select(a => a.Value!.Broadcast).ToList();

        var updated = Assert.Single(broadcasts.Select(b => b.ToSubscribers).OfType<CounterUpdate>());
        var lane = LaneTallies.NameOf(_store.Batches[^1].Lane.Id);
        Assert.Equal(new CounterUpdate("counter:hits", new CounterView("hits", 15, 5, new InstantTimeProvider().GetUtcNow(), LanesView.Of((lane, 15, 5)))), updated);
        var applied = broadcasts.Select(b => b.ToVisitor).OfType<VisitorUpdate>().ToDictionary(m => m.Visitor, m => m.Applied);
        Assert.Equal(2, applied.Count);
        Assert.Equal(new IncrementAppliedView("hits", 10, 4, LanesView.Of((lane, 10, 4)), By: 6, YourTotal: 6), applied[Alice]);
        Assert.Equal(new IncrementAppliedView("hits", 6, 3, LanesView.Of((lane, 6, 3)), By: 3, YourTotal: 3), applied[Bob]);
    }

    [Fact]
    public async Task The_last_increment_of_a_commit_carries_its_counter_update()
    {
        var (first, then) = await BehindACommitInFlight(UseCase(), Increment(), Increment(), Increment(7));

        _store.Open();
        await first;
        var answers = await Task.WhenAll(then);

        Assert.Equal(Broadcast.Nothing, answers[0].Value!.Broadcast);
        var lane = LaneTallies.NameOf(_store.Batches[^1].Lane.Id);
        Assert.Equal(new Broadcast(new CounterUpdate("counter:hits", new CounterView("hits", 9, 3, new InstantTimeProvider().GetUtcNow(), LanesView.Of((lane, 9, 3)))), null), answers[1].Value!.Broadcast);
    }

    [Fact]
    public async Task A_key_already_stored_fails_only_its_own_increment_and_the_rest_of_the_batch_commits()
    {
        var useCase = UseCase();
        var original = await useCase.ExecuteAsync(Increment(2, "used", Alice), _ct);
        var (first, then) = await BehindACommitInFlight(
            useCase, Increment(), Increment(1, "fresh", Bob), Increment(2, "used", Alice), Increment(9, "used", Alice), Increment(4));

        _store.Open();
        await first;
        var answers = await Task.WhenAll(then);

        Assert.Equal((4L, 3L, 1L, false), Summary(answers[0]));
        Assert.True(answers[1].Value!.Replayed);
        Assert.Equal(original.Value!.Result, answers[1].Value!.Result);
        Assert.Equal(422, answers[2].Problem!.Status);
        Assert.Equal((8L, 4L, (long?)null, false), Summary(answers[3]));
        Assert.Equal((8L, new CounterVersion(4)), ((await _memory.ReadAsync(Hits, _ct)).Counter.Value, (await _memory.ReadAsync(Hits, _ct)).Counter.Version));
    }

    /// <summary>
    /// Page-like increments (keyed, each from another visitor) need two rows each: one transaction takes the counter and
    /// 49 of them (99 rows), a repeat of one of their keys (no row) and an anonymous increment of a new visitor (its
    /// total's row: 100 rows, the limit exactly); the rest go in the next transaction.
    /// </summary>
    [Fact]
    public async Task A_batch_never_holds_more_than_a_transaction_s_hundred_entities()
    {
        var requests = Enumerable.Range(0, 49).Select(i => Increment(key: $"k{i}", visitor: Visitor(i))).ToList();
        requests.Add(Increment(key: "k3", visitor: Visitor(3)));
        requests.Add(Increment(visitor: Visitor(100)));
        requests.AddRange(Enumerable.Range(49, 11).Select(i => Increment(key: $"k{i}", visitor: Visitor(i))));
        var (first, then) = await BehindACommitInFlight(UseCase(), Increment(), [.. requests]);

        _store.Open();
        await first;
        var answers = await Task.WhenAll(then);

        Assert.All(answers, a => Assert.True(a.Succeeded));
        Assert.True(answers[49].Value!.Replayed);
        Assert.Equal([1L, 50L, 11L], _store.Batches.Select(b => b.Increments));
        Assert.Equal([1, 100, 23], _store.Batches.Select(b => b.Entities));
    }

    /// <summary>
    /// A batch's answer is lost, then the store names one of its keys as taken (so the lost send never landed), then
    /// refuses outright: what is left of the batch is told that nothing was written, not that it is unconfirmed.
    /// </summary>
    [Fact]
    public async Task A_key_taken_after_a_lost_answer_settles_the_doubt_for_the_rest_of_the_batch()
    {
        var stored = new IncrementResult(new CounterSnapshot(Hits, 9, new CounterVersion(9), null), Amount.One, null, null, null);
        var inner = new Mock<ICounterStore>();
        inner.Setup(s => s.ReadAsync(Hits, It.IsAny<CancellationToken>())).ReturnsAsync(CounterLanes.None(Hits));
        inner.SetupSequence(s => s.CommitAsync(It.IsAny<CommitBatch>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommitOutcome.Committed("1", VisitorTokens: null))
            .ReturnsAsync(new CommitOutcome.Unknown())
            .ReturnsAsync(new CommitOutcome.KeyTaken(0, stored))
            .ReturnsAsync(new CommitOutcome.Unavailable());
        var gated = new GatedStore(inner.Object);
        var useCase = UseCase(gated);
        gated.Hold();
        var arrived = gated.Arrived(1);
        var first = useCase.ExecuteAsync(Increment(), _ct);
        await arrived;
        var replayed = useCase.ExecuteAsync(Increment(key: "taken"), _ct);
        var refused = useCase.ExecuteAsync(Increment(), _ct);

        gated.Open();

        Assert.True((await first).Succeeded);
        Assert.True((await replayed).Value!.Replayed);
        Assert.Contains("Nothing was written", (await refused).Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_replay_costs_one_commit_and_nothing_more()
    {
        var useCase = UseCase();
        await useCase.ExecuteAsync(Increment(key: "once"), _ct);

        var replay = await useCase.ExecuteAsync(Increment(key: "once"), _ct);

        Assert.True(replay.Value!.Replayed);
        Assert.Equal(2, _store.Batches.Count);
    }

    /// <summary>
    /// Two processes on other lanes of one counter: neither's commits conflict with the other's, and each answer counts
    /// the other lane as its process last read it; but a visitor who incremented through both makes the batch that
    /// trusted its cached total conflict on that visitor's row, read it again, and commit on the same lane.
    /// </summary>
    [Fact]
    public async Task A_visitor_who_incremented_through_another_process_makes_the_batch_read_the_visitor_again_on_the_same_lane()
    {
        var here = UseCase(salt: 1);
        var elsewhere = UseCase(_memory, salt: 2);
        await here.ExecuteAsync(Increment(1, visitor: Alice), _ct);
        await elsewhere.ExecuteAsync(Increment(10, visitor: Alice), _ct);
        Assert.NotEqual(here.LaneOf(Hits), elsewhere.LaneOf(Hits));

        var answer = await here.ExecuteAsync(Increment(100, "k", Alice), _ct);

        // The visitor's total is exact; the other lane is counted as last read, before its commit (no read was due since).
        Assert.Equal((101L, 2L, 111L, false), Summary(answer));
        Assert.Equal(3, _store.Batches.Count);
        Assert.Equal([0L, 1L, 1L], _store.Batches.Select(b => b.Lane.Tally.Version.Value));
        Assert.Single(_store.Batches.Select(b => b.Lane.Id).Distinct());
    }

    /// <summary>The other lanes are read beside a commit once a quarter second has passed, and counted from the next answer on.</summary>
    [Fact]
    public async Task Another_process_s_lane_is_counted_in_the_answers_after_a_read_beside_a_commit_a_quarter_second_on()
    {
        var time = new FakeTimeProvider();
        var here = UseCase(_memory, salt: 1, time);
        var elsewhere = UseCase(_memory, salt: 2);
        await here.ExecuteAsync(Increment(1), _ct);
        await elsewhere.ExecuteAsync(Increment(10), _ct);

        var tooSoon = await here.ExecuteAsync(Increment(100), _ct);
        time.Advance(OthersReadPacing.Soonest);
        var readBeside = await here.ExecuteAsync(Increment(200), _ct);
        var afterTheRead = await here.ExecuteAsync(Increment(400), _ct);

        Assert.NotEqual(here.LaneOf(Hits), elsewhere.LaneOf(Hits));
        Assert.Equal((101L, 2L), (tooSoon.Value!.Result.Counter.Value, tooSoon.Value.Result.Counter.Version.Value));
        Assert.Equal((301L, 3L), (readBeside.Value!.Result.Counter.Value, readBeside.Value.Result.Counter.Version.Value));
        Assert.Equal((711L, 5L), (afterTheRead.Value!.Result.Counter.Value, afterTheRead.Value.Result.Counter.Version.Value));
    }

    /// <summary>Two processes that happen to start on the same lane: the one that conflicts there moves to another and loses nothing.</summary>
    [Fact]
    public async Task Two_processes_on_the_same_lane_move_apart_after_one_conflict_and_lose_nothing()
    {
        var here = UseCase(salt: 7);
        var elsewhere = UseCase(_memory, salt: 7);
        await here.ExecuteAsync(Increment(1), _ct);
        await elsewhere.ExecuteAsync(Increment(10), _ct);
        Assert.Equal(here.LaneOf(Hits), elsewhere.LaneOf(Hits));

        var moved = await here.ExecuteAsync(Increment(100), _ct);
        var stayed = await elsewhere.ExecuteAsync(Increment(1000), _ct);

        Assert.NotEqual(here.LaneOf(Hits), elsewhere.LaneOf(Hits));
        Assert.Equal((111L, 3L), (moved.Value!.Result.Counter.Value, moved.Value.Result.Counter.Version.Value));
        // It last read the counter before the other moved: the other's new lane is counted from its next commit on.
        Assert.Equal((1011L, 3L), (stayed.Value!.Result.Counter.Value, stayed.Value.Result.Counter.Version.Value));
        var lanes = await _memory.ReadAsync(Hits, _ct);
        Assert.Equal((1111L, new CounterVersion(4)), (lanes.Counter.Value, lanes.Counter.Version));
        Assert.Equal(2, lanes.Lanes.Count);
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_queued_takes_its_increment_back_and_the_others_commit()
    {
        var useCase = UseCase();
        using var giveUp = new CancellationTokenSource();
        _store.Hold();
        var first = useCase.ExecuteAsync(Increment(), _ct);
        await _store.Arrived(1);
        var leaving = useCase.ExecuteAsync(Increment(50), giveUp.Token);
        var staying = useCase.ExecuteAsync(Increment(2), _ct);

        await giveUp.CancelAsync();
        _store.Open();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.Equal(3, (await staying).Value!.Result.Counter.Value);
        Assert.Equal(1, (await first).Value!.Result.Counter.Value);
        Assert.Equal([1L, 1L], _store.Batches.Select(b => b.Increments));
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_its_batch_is_committing_is_still_answered_and_the_batch_is_intact()
    {
        var useCase = UseCase();
        using var giveUp = new CancellationTokenSource();
        var (first, _) = await BehindACommitInFlight(useCase, Increment());
        var leaving = useCase.ExecuteAsync(Increment(2, visitor: Alice), giveUp.Token);
        var staying = useCase.ExecuteAsync(Increment(3), _ct);
        _store.ReleaseOne();
        await _store.Arrived(2);

        await giveUp.CancelAsync();
        _store.Open();

        await first;
        Assert.Equal((3L, 2L, 2L, false), Summary(await leaving));
        Assert.Equal((null, Alice), ((await leaving).Value!.Broadcast.ToSubscribers, (await leaving).Value!.Broadcast.ToVisitor?.Visitor));
        Assert.Equal((6L, 3L, (long?)null, false), Summary(await staying));
        Assert.Equal(6, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Theory]
    [InlineData(LossyStore.Loss.Answer, "k")]
    [InlineData(LossyStore.Loss.Answer, null)]
    [InlineData(LossyStore.Loss.Request, "k")]
    [InlineData(LossyStore.Loss.Request, null)]
    public async Task A_commit_whose_answer_is_lost_is_counted_once_answered_as_applied_and_still_broadcast(LossyStore.Loss loss, string? key)
    {
        var lossy = new LossyStore(_memory);
        lossy.LoseNext(loss);

        var answer = await UseCase(lossy).ExecuteAsync(Increment(4, key, Alice), _ct);

        Assert.Equal((4L, 1L, 4L, false), Summary(answer));
        Assert.NotNull(answer.Value!.Broadcast.ToSubscribers);
        Assert.NotNull(answer.Value.Broadcast.ToVisitor);
        var stored = await _memory.ReadAsync(Hits, _ct);
        Assert.Equal((4L, new CounterVersion(1)), (stored.Counter.Value, stored.Counter.Version));
        Assert.Equal(1, lossy.Lost);
    }

    [Fact]
    public async Task Idle_queues_are_dropped_beyond_ten_thousand_counters_and_their_counters_carry_on()
    {
        var useCase = UseCase(_memory);
        for (var i = 0; i <= IncrementCounter.MaxQueues + 50; i++)
        {
            await useCase.ExecuteAsync(Increment(counter: CounterName.Parse($"n{i}").Value), _ct);
        }

        var again = await useCase.ExecuteAsync(Increment(counter: CounterName.Parse("n0").Value), _ct);

        Assert.InRange(useCase.Queues, 1, IncrementCounter.MaxQueues);
        Assert.Equal(2, again.Value!.Result.Counter.Value);
    }

    [Fact]
    public async Task Dropping_idle_queues_never_drops_one_with_a_commit_in_flight_so_its_counter_keeps_one_queue()
    {
        var useCase = UseCase();
        var (first, _) = await BehindACommitInFlight(useCase, Increment());
        var others = Enumerable.Range(0, IncrementCounter.MaxQueues)
            .Select(i => useCase.ExecuteAsync(Increment(counter: CounterName.Parse($"n{i}").Value), _ct))
            .ToList();

        var second = useCase.ExecuteAsync(Increment(), _ct);

        Assert.Single(_store.Batches, b => b.Name == Hits);
        _store.Open();
        Assert.Equal([1L, 2L], (await Task.WhenAll(first, second)).Select(a => a.Value!.Result.Counter.Version.Value));
        await Task.WhenAll(others);
        Assert.Equal([0L, 1L], _store.Batches.Where(b => b.Name == Hits).Select(b => b.Lane.Tally.Version.Value));
    }

    [Fact]
    public async Task Group_commit_can_be_turned_off_and_each_increment_then_commits_alone()
    {
        var useCase = new IncrementCounter(_store, new InstantTimeProvider(), CounterMetrics.Unregistered(), IncrementOptions.Default with { GroupCommit = false }, new Random(1));
        _store.Hold();
        var first = useCase.ExecuteAsync(Increment(), _ct);
        var second = useCase.ExecuteAsync(Increment(), _ct);
        await _store.Arrived(2);

        _store.Open();
        var answers = await Task.WhenAll(first, second);

        Assert.All(_store.Batches, b => Assert.Equal(1, b.Increments));
        Assert.Equal([1L, 2L], answers.Select(a => a.Value!.Result.Counter.Version.Value).Order());
        Assert.True(_store.Batches.Count >= 3, "The two raced for the same lane from the same base: one of them conflicted and went again.");
    }

    static (long Value, long Version, long? Total, bool Replayed) Summary(ProblemOr<IncrementReply> outcome)
    {
        Assert.True(outcome.Succeeded, outcome.Problem?.Detail);
        var result = outcome.Value.Result;
        return (result.Counter.Value, result.Counter.Version.Value, result.VisitorTotal, outcome.Value.Replayed);
    }
}
