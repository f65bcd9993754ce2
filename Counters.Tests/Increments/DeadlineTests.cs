using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Reading;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Increments;

/// <summary>
/// Every request is answered within its deadline (10 s), whatever the store does: a store that stops answering costs
/// a 503 with Retry-After, never a caller held for minutes, and the increments queued behind a hung one are held no
/// longer than their own deadlines. The clock is fake: time passes only when a test says so.
/// </summary>
public sealed class DeadlineTests
{
    static readonly TimeSpan Deadline = AnswerDeadline.Default.Within;

    readonly InMemoryCounterStore _memory = new();
    readonly HangingStore _store;
    readonly FakeTimeProvider _time = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public DeadlineTests() => _store = new HangingStore(_memory);

    IncrementCounter UseCase() => new(_store, _time, CounterMetrics.Unregistered(), IncrementOptions.Default, new Random(1));

    /// <summary>
    /// The answer, which the fake clock's last step must have released; the real-time bound only turns a broken
    /// deadline into a failed test instead of a hung run.
    /// </summary>
    static Task<T> Answered<T>(Task<T> answer) => answer.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);

    static async Task<Problem> RefusedAsync(Task<ProblemOr<IncrementReply>> answer)
    {
        var outcome = await Answered(answer);
        Assert.False(outcome.Succeeded);
        return outcome.Problem;
    }

    [Fact]
    public async Task An_increment_whose_commit_hangs_is_answered_503_at_its_deadline_and_not_a_moment_before()
    {
        var answer = UseCase().ExecuteAsync(Increment(key: "k1"), _ct);
        await _store.Arrived(1);

        _time.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(answer.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var problem = await RefusedAsync(answer);
        Assert.Equal(503, problem.Status);
        Assert.Equal(1, problem.RetryAfterSeconds);
        Assert.Contains("did not confirm", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Increments_queued_behind_a_hung_commit_are_tried_once_it_is_given_up_and_answered_within_their_own_deadline()
    {
        var useCase = UseCase();
        var hung = useCase.ExecuteAsync(Increment(key: "k1"), _ct);
        await _store.Arrived(1);
        _time.Advance(TimeSpan.FromSeconds(4));
        var behind = useCase.ExecuteAsync(Increment(key: "k2"), _ct);

        _time.Advance(Deadline - TimeSpan.FromSeconds(4));
        Assert.Equal(503, (await RefusedAsync(hung)).Status);
        await _store.Arrived(2);
        Assert.False(behind.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(503, (await RefusedAsync(behind)).Status);
    }

    [Fact]
    public async Task Once_the_store_answers_again_the_increment_behind_a_hung_one_commits()
    {
        var useCase = UseCase();
        var hung = useCase.ExecuteAsync(Increment(key: "k1"), _ct);
        await _store.Arrived(1);
        var behind = useCase.ExecuteAsync(Increment(key: "k2"), _ct);
        _store.Hangs = false;

        _time.Advance(Deadline);

        Assert.Equal(503, (await RefusedAsync(hung)).Status);
        var committed = await Answered(behind);
        Assert.True(committed.Succeeded);
        Assert.Equal(1, committed.Value.Result.Counter.Value);
    }

    [Fact]
    public async Task A_hung_commit_that_landed_is_replayed_to_the_retry_with_the_same_key_and_counted_once()
    {
        _store.Landing = true;
        var useCase = UseCase();
        var hung = useCase.ExecuteAsync(Increment(by: 3, key: "k1", visitor: Alice), _ct);
        await _store.Arrived(1);
        _time.Advance(Deadline);
        Assert.Equal(503, (await RefusedAsync(hung)).Status);

        _store.Hangs = false;
        var retry = await useCase.ExecuteAsync(Increment(by: 3, key: "k1", visitor: Alice), _ct);

        Assert.True(retry.Value!.Replayed);
        Assert.Equal((3L, 3L), (retry.Value.Result.Counter.Value, retry.Value.Result.VisitorTotal!.Value));
        Assert.Equal(3, (await _memory.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task An_increment_whose_read_hangs_is_answered_503_with_nothing_written_at_its_deadline()
    {
        _store.ReadsHang = true;
        var answer = UseCase().ExecuteAsync(Increment(key: "k1"), _ct);

        _time.Advance(Deadline);

        var problem = await RefusedAsync(answer);
        Assert.Equal(503, problem.Status);
        Assert.Contains("Nothing was written", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await _memory.ReadAsync(Hits, _ct)).Counter.Version.Value);
    }

    [Fact]
    public async Task A_read_of_a_counter_from_a_hung_store_is_answered_503_at_its_deadline()
    {
        _store.ReadsHang = true;
        var read = new GetCounter(_store, _time, AnswerDeadline.Default).ExecuteAsync(Hits, _ct);
        _time.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(read.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        var outcome = await Answered(read);
        Assert.Equal(503, outcome.Problem!.Status);
        Assert.Equal(1, outcome.Problem.RetryAfterSeconds);
    }
}
