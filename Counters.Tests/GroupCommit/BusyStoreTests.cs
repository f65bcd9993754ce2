using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.GroupCommit;

/// <summary>
/// A store that turns commits away for load (Table Storage's 503 <c>ServerBusy</c> past a partition's target): the batch
/// waits, longer each time and jittered, and goes again within its deadline, never without a wait before it; the
/// increments it finally commits count once; and callers refused at last are told that nothing was written and when to
/// come back, each their own time. Time passes only while the writer waits (<see cref="WaitingClock"/>).
/// </summary>
public sealed class BusyStoreTests : IDisposable
{
    static readonly TimeSpan Deadline = AnswerDeadline.Default.Within;

    readonly InMemoryCounterStore _memory = new();
    readonly WaitingClock _time = new();
    readonly MetricsRecorder _metrics = new();
    readonly BusyStore _store;
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public BusyStoreTests() => _store = new BusyStore(_memory, _time);

    public void Dispose() => _metrics.Dispose();

    IncrementCounter UseCase(ICounterStore? store = null) => new(store ?? _store, _time, _metrics.Metrics, IncrementOptions.Default, new Random(7));

    static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public async Task A_commit_turned_away_for_load_waits_longer_each_time_and_is_applied_once_when_the_store_takes_it()
    {
        _store.RefuseCommits(n => n <= 4);

        var outcome = await UseCase().ExecuteAsync(Increment(key: "k1", visitor: Alice), _ct);

        Assert.Equal((1L, 1L), (outcome.Value!.Result.Counter.Value, outcome.Value.Result.Counter.Version.Value));
        Assert.Equal(5, _store.CommitTimes.Count);
        // The n-th wait in a row is in [c/2, c), c = 100 ms doubling: never straight back, and spreading out.
        Assert.Collection(
            _time.Waits,
            wait => Assert.InRange(wait, Ms(50), Ms(100)),
            wait => Assert.InRange(wait, Ms(100), Ms(200)),
            wait => Assert.InRange(wait, Ms(200), Ms(400)),
            wait => Assert.InRange(wait, Ms(400), Ms(800)));
        Assert.Equal(1, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.Equal(4, _metrics.Sum("livecounter.retries", "busy"));
        Assert.Equal(4, _metrics.Of("livecounter.commit.duration").Count(m => m.Tag == "busy"));
    }

    /// <summary>
    /// Twenty callers: one batch goes first, the other nineteen queue behind it as the next. The store never takes
    /// either; every caller is answered before its deadline, 503 with "Nothing was written", and the Retry-After values
    /// are spread over 2–6 s rather than all the same.
    /// </summary>
    [Fact]
    public async Task A_store_busy_past_the_deadline_gets_a_wait_before_every_try_and_every_caller_503_nothing_written_with_its_own_retry_after()
    {
        _store.RefuseCommits(_ => true);
        var gate = new GatedStore(_store);
        var useCase = UseCase(gate);
        gate.Hold(); // every caller arrives before the clock first moves: all have the same deadline
        var answers = Enumerable.Range(1, 20).Select(i => useCase.ExecuteAsync(Increment(key: $"k{i}", visitor: Visitor(i)), _ct)).ToArray();
        await gate.Arrived(1);
        gate.Open();

        var outcomes = await Task.WhenAll(answers);

        Assert.All(outcomes, outcome =>
        {
            Assert.Equal(503, outcome.Problem!.Status);
            Assert.Contains("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
            Assert.InRange(outcome.Problem.RetryAfterSeconds!.Value, 2, 6);
        });
        Assert.True(outcomes.Select(o => o.Problem!.RetryAfterSeconds).Distinct().Count() >= 3, "The Retry-After values are spread out.");
        Assert.True(_time.Elapsed < Deadline, $"Answered after {_time.Elapsed}.");

        // No storm: after the first try of each batch, every try follows a wait of at least 50 ms.
        var tries = _store.CommitTimes;
        Assert.Equal(tries.Count - 2, _time.Waits.Count);
        Assert.All(_time.Waits, wait => Assert.True(wait >= Ms(50), $"A wait of {wait}."));
        Assert.InRange(tries.Count, 13, 40);
        Assert.Equal(0, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.Equal(20, _metrics.Sum("livecounter.unavailable", "busy"));
    }

    [Fact]
    public async Task A_read_turned_away_for_load_waits_like_a_commit_and_the_increment_is_then_applied()
    {
        _store.RefuseReads(2);

        var outcome = await UseCase().ExecuteAsync(Increment(key: "k1", visitor: Alice), _ct);

        Assert.Equal(1, outcome.Value!.Result.Counter.Value);
        Assert.Equal(2, _time.Waits.Count);
        Assert.Single(_store.CommitTimes);
    }

    /// <summary>The first send was applied but its answer lost; every later send is turned away: whether it landed is not known, so "Nothing was written" must not be said.</summary>
    [Fact]
    public async Task A_store_busy_after_a_lost_answer_leaves_the_increment_unconfirmed_never_nothing_written()
    {
        var lossy = new LossyStore(_memory);
        lossy.LoseNext(LossyStore.Loss.Answer);
        var store = new BusyStore(lossy, _time);
        store.RefuseCommits(n => n >= 2);

        var outcome = await UseCase(store).ExecuteAsync(Increment(key: "k1", visitor: Alice), _ct);

        Assert.Equal(503, outcome.Problem!.Status);
        Assert.DoesNotContain("Nothing was written", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("did not confirm", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.True(_time.Elapsed < Deadline, $"Answered after {_time.Elapsed}.");
    }

    [Fact]
    public async Task A_try_that_gets_through_starts_the_waits_afresh_for_the_next_busy_answer()
    {
        var lossy = new LossyStore(_memory);
        lossy.LoseNext(LossyStore.Loss.Answer);
        var store = new BusyStore(lossy, _time);
        store.RefuseCommits(n => n is 1 or 2 or 4); // the third try gets through, its answer lost; the fourth is busy again

        var outcome = await UseCase(store).ExecuteAsync(Increment(key: "k1", visitor: Alice), _ct);

        Assert.Equal(1L, outcome.Value!.Result.Counter.Value);
        Assert.Equal(1, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
        Assert.InRange(_time.Waits[^1], Ms(50), Ms(100)); // the first wait of a new run, not the third of the old one
    }
}
