using Azure.Data.Tables;
using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Storage;
using LiveCounter.Tables.Testing;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tables.Tests;

/// <summary>
/// The increment use case with group commit over the Table store on a real Table service: exactness under parallel
/// writers and a second process, batches answered as serial execution, and outcomes that stay exact when answers are
/// lost or the service goes away mid-run.
/// </summary>
public sealed class IncrementsOnAzuriteTests(AzuriteFixture azurite)
{
    static readonly RetryPolicy Patient = new(MaxAttempts: 100, BaseDelay: TimeSpan.FromMilliseconds(2), MaxDelay: TimeSpan.FromMilliseconds(50));

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <param name="salt">The process's random seed, which picks its lanes: processes with other seeds start on other lanes.</param>
    static IncrementCounter Process(ICounterStore store, RetryPolicy? policy = null, int salt = 1) =>
        new(store, TimeProvider.System, CounterMetrics.Unregistered(), new IncrementOptions(GroupCommit: true, policy ?? RetryPolicy.Default), new Random(salt));

    async Task<List<TableEntity>> PartitionAsync(CounterTable table, CounterName counter) =>
        await table.Reads.QueryAsync<TableEntity>(e => e.PartitionKey == counter.Value, cancellationToken: _ct).ToListAsync(_ct);

    /// <summary>The partition agrees with itself: its lanes sum to the value and version, its visitors' rows to their increments.</summary>
    async Task AssertConsistentAsync(CounterTable table, long value, long version, long visitorsSum, int records)
    {
        var rows = await PartitionAsync(table, Hits);
        var lanes = rows.Where(r => r.RowKey.StartsWith(RowKeys.LanesFrom, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(rows, r => r.RowKey == RowKeys.State);
        Assert.Equal((value, version), (lanes.Sum(r => r.GetInt64("Value")!.Value), lanes.Sum(r => r.GetInt64("Version")!.Value)));
        Assert.Equal(visitorsSum, rows.Where(r => r.RowKey.StartsWith("visitor:", StringComparison.Ordinal)).Sum(r => r.GetInt64("Total")!.Value));
        Assert.Equal(records, rows.Count(r => r.RowKey.StartsWith("key:", StringComparison.Ordinal)));
        Assert.All(rows.Where(r => r.RowKey.StartsWith("key:", StringComparison.Ordinal)), r => Assert.True(r.GetInt64("Version") <= version));
    }

    [Fact]
    public async Task Thirty_two_parallel_writers_end_exact_with_the_visitors_rows_summing_to_the_value()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var useCase = Process(new TableCounterStore(table));
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var outcome = await useCase.ExecuteAsync(Increment(visitor: Visitor(w % 8), key: i % 2 == 0 ? $"w{w}-{i}" : null), _ct);
                if (!outcome.Succeeded)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, _ct)));

        Assert.Equal(0, failures);
        await AssertConsistentAsync(table, value: 800, version: 800, visitorsSum: 800, records: 32 * 13);
    }

    [Fact]
    public async Task A_replayed_key_returns_the_first_result_and_the_same_key_with_another_by_is_422()
    {
        var useCase = Process(new TableCounterStore(await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct)));
        var first = await useCase.ExecuteAsync(Increment(3, "k", Alice), _ct);

        var replay = await useCase.ExecuteAsync(Increment(3, "k", Alice), _ct);
        var reused = await useCase.ExecuteAsync(Increment(4, "k", Alice), _ct);

        Assert.True(replay.Value!.Replayed);
        Assert.Equal(first.Value!.Result, replay.Value.Result);
        Assert.Equal(Broadcast.Nothing, replay.Value.Broadcast);
        Assert.Equal(422, reused.Problem!.Status);
    }

    [Fact]
    public async Task Two_processes_racing_for_the_first_write_of_a_new_counter_both_succeed_one_after_the_other()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        IncrementCounter[] processes = [Process(new TableCounterStore(table)), Process(new TableCounterStore(azurite.Azurite.Open(table)))];

        var answers = await Task.WhenAll(processes.Select((p, i) => p.ExecuteAsync(Increment(i + 1), _ct)));

        Assert.Equal([1L, 2L], answers.Select(a => a.Value!.Result.Counter.Version.Value).Order());
        await AssertConsistentAsync(table, value: 3, version: 2, visitorsSum: 0, records: 0);
    }

    /// <summary>
    /// Two or four processes (stores with their own clients) on one table, sixteen writers spread over them, all on one
    /// counter, visitors shared, the network losing a share of commit answers, writers retrying like the pages: each
    /// lane's history is serial, each key counts once, each visitor's totals are a chain, and the table sums exactly.
    /// With one seed for all, they start on the same lane and must move apart.
    /// </summary>
    [Theory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(4, false)]
    [InlineData(4, true)]
    public async Task Several_processes_on_one_table_writing_one_counter_at_once_with_lost_answers_stay_exact(int count, bool sameLane)
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var processes = Enumerable.Range(0, count)
            .Select(p => Process(new TableCounterStore(azurite.Azurite.Open(table, proxy.Port)), Patient, salt: sameLane ? 7 : 7 + p))
            .ToArray();
        var answers = new List<(IncrementRequest, IncrementReply)>();
        proxy.LoseAnswers(8, FaultProxy.IsTransaction);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                // Three visitors over two or four processes: each visitor increments through several processes at once.
                var request = Increment(1 + (i % 3), $"w{w}-{i}", Visitor(w % 3));
                ProblemOr<IncrementReply> outcome;
                while (!(outcome = await processes[w % count].ExecuteAsync(request, _ct)).Succeeded)
                {
                    Assert.Equal(503, outcome.Problem.Status);
                }

                lock (answers)
                {
                    answers.Add((request, outcome.Value));
                }
            }
        }, _ct)));

        var sum = answers.Sum(a => (long)a.Item1.By.Value);
        SerialHistory.AssertSerialPerLane(answers, await new TableCounterStore(table).ReadAsync(Hits, _ct));
        SerialHistory.AssertTotalsChain(answers, new Dictionary<VisitorId, long>());
        await AssertConsistentAsync(table, value: sum, version: 16 * 12, visitorsSum: sum, records: 16 * 12);
        var lanes = processes.Select(p => p.LaneOf(Hits)).ToList();
        Assert.True(count == 2 && sameLane ? lanes[0] != lanes[1] : lanes.Distinct().Count() > 1, $"Lanes in use at the end: {string.Join(", ", lanes)}.");
    }

    [Fact]
    public async Task A_batch_on_the_table_answers_each_increment_as_if_it_had_run_alone()
    {
        var gated = new GatedStore(new TableCounterStore(await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct)));
        var useCase = Process(gated);
        var stored = await useCase.ExecuteAsync(Increment(6, "stored", Bob), _ct);
        gated.Hold();
        var arrived = gated.Arrived(2);
        var first = useCase.ExecuteAsync(Increment(1, visitor: Alice), _ct);
        await arrived;
        var then = new[]
        {
            Increment(2, "k1", Alice), Increment(5), Increment(3, "k2", Bob), Increment(4, visitor: Alice),
            Increment(2, "k1", Alice), Increment(9, "k2", Bob), Increment(6, "stored", Bob), Increment(1, "stored", Bob),
        }.Select(r => useCase.ExecuteAsync(r, _ct)).ToArray();

        gated.Open();
        await first;
        var answers = await Task.WhenAll(then);

        Assert.Equal((9L, 3L, 3L), Summary(answers[0]));
        Assert.Equal((14L, 4L, (long?)null), Summary(answers[1]));
        Assert.Equal((17L, 5L, 9L), Summary(answers[2]));
        Assert.Equal((21L, 6L, 7L), Summary(answers[3]));
        Assert.Equal(answers[0].Value!.Result, answers[4].Value!.Result);
        Assert.True(answers[4].Value!.Replayed);
        Assert.Equal(422, answers[5].Problem!.Status);
        Assert.Equal(stored.Value!.Result, answers[6].Value!.Result);
        Assert.True(answers[6].Value!.Replayed);
        Assert.Equal(422, answers[7].Problem!.Status);
        Assert.Equal([1L, 1L, 5L, 4L], gated.Batches.Select(b => b.Increments));
        Assert.Single(answers, a => a.Value?.Broadcast.ToSubscribers is not null);
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_its_batch_commits_is_still_answered_and_counted_once()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        var gated = new GatedStore(new TableCounterStore(table));
        var useCase = Process(gated);
        using var giveUp = new CancellationTokenSource();
        gated.Hold();
        var arrived = gated.Arrived(1);
        var leaving = useCase.ExecuteAsync(Increment(2, "leaving", Alice), giveUp.Token);
        await arrived;

        await giveUp.CancelAsync();
        gated.Open();

        Assert.Equal((2L, 1L, 2L), Summary(await leaving));
        Assert.True((await useCase.ExecuteAsync(Increment(2, "leaving", Alice), _ct)).Value!.Replayed);
        await AssertConsistentAsync(table, value: 2, version: 1, visitorsSum: 2, records: 1);
    }

    [Theory]
    [InlineData("k")]
    [InlineData(null)]
    public async Task A_commit_whose_answer_is_lost_on_the_network_is_counted_once_answered_as_applied_and_broadcast(string? key)
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var useCase = Process(new TableCounterStore(azurite.Azurite.Open(table, proxy.Port)));
        proxy.LoseAnswers(1, FaultProxy.IsTransaction);

        var answer = await useCase.ExecuteAsync(Increment(4, key, Alice), _ct);

        Assert.Equal(1, proxy.AnswersLost);
        Assert.Equal((4L, 1L, 4L), Summary(answer));
        Assert.False(answer.Value!.Replayed);
        Assert.NotNull(answer.Value.Broadcast.ToSubscribers);
        Assert.NotNull(answer.Value.Broadcast.ToVisitor);
        await AssertConsistentAsync(table, value: 4, version: 1, visitorsSum: 4, records: key is null ? 0 : 1);
    }

    /// <summary>
    /// Writers that behave like the pages (on a 503 or a lost connection, the same request again) while the network
    /// loses a dozen commit answers and then the service goes away for a while: every key is counted once, every 503 in
    /// between is a problem, and the partition is never half-written.
    /// </summary>
    [Fact]
    public async Task Lost_answers_and_an_outage_mid_run_lose_nothing_double_nothing_and_write_nothing_by_halves()
    {
        var table = await azurite.Azurite.CreateCounterTableAsync(cancellationToken: _ct);
        await using var proxy = FaultProxy.To(azurite.Azurite.Port);
        var useCase = Process(new TableCounterStore(azurite.Azurite.Open(table, proxy.Port)));
        var refusals = new List<Problem>();
        var done = 0;
        var oneThirdDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var darkened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refusedInTheDark = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.LoseAnswers(12, FaultProxy.IsTransaction);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                var started = Interlocked.Increment(ref done);
                if (started == 80)
                {
                    oneThirdDone.SetResult();
                }
                else if (started > 80)
                {
                    // The other two thirds start once the service is gone: the outage meets requests however fast the
                    // first third ran.
                    await darkened.Task;
                }

                var request = Increment(1 + (i % 2), $"w{w}-{i}", Visitor(w % 3));
                ProblemOr<IncrementReply> outcome;
                while (!(outcome = await useCase.ExecuteAsync(request, _ct)).Succeeded)
                {
                    lock (refusals)
                    {
                        refusals.Add(outcome.Problem);
                    }

                    if (darkened.Task.IsCompleted)
                    {
                        refusedInTheDark.TrySetResult();
                    }

                    await Task.Delay(20, _ct);
                }
            }
        }, _ct)).ToArray();

        await oneThirdDone.Task;
        proxy.GoDark();
        darkened.SetResult();
        // Dark until the outage has reached a writer as a refusal, not for a set time: a writer's retries can outlast a
        // short outage, and then the run would have no refusal to judge.
        await refusedInTheDark.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, _ct);
        proxy.Light();
        await Task.WhenAll(writers);

        Assert.NotEmpty(refusals);
        Assert.All(refusals, problem => Assert.Equal((503, 1), (problem.Status, problem.RetryAfterSeconds)));
        await AssertConsistentAsync(table, value: 360, version: 240, visitorsSum: 360, records: 240);
    }

    static (long Value, long Version, long? Total) Summary(ProblemOr<IncrementReply> outcome)
    {
        Assert.True(outcome.Succeeded, outcome.Problem?.Detail);
        var result = outcome.Value.Result;
        return (result.Counter.Value, result.Counter.Version.Value, result.VisitorTotal);
    }
}
