using LiveCounter.Increments;
using LiveCounter.Metrics;
using LiveCounter.Problems;
using LiveCounter.Storage;
using LiveCounter.Tests.Support;
using LiveCounter.Visitors;
using LiveCounter.Wire;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Storage;

/// <summary>
/// Real threads against the in-memory store behind <see cref="LatentStore"/>, which widens the gap between a read and
/// its commit as a network round trip would: the counter must come out exact, with group commit on and off. Remove the
/// store's conditional replace and these fail with lost updates.
/// </summary>
public sealed class ConcurrencyTests
{
    // Generous enough that a writer who keeps losing the race on a loaded 2-core machine still gets through:
    // a 503 here would be a flaky test, not a lost update, and the assertions below count both.
    static readonly RetryPolicy Patient = new(MaxAttempts: 200, BaseDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromMilliseconds(20));

    readonly InMemoryCounterStore _store = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    IncrementCounter UseCase(bool groupCommit, int seed = 1) =>
        new(new LatentStore(_store, seed), TimeProvider.System, CounterMetrics.Unregistered(), new IncrementOptions(groupCommit, Patient), Random.Shared);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sixty_four_writers_times_two_hundred_increments_end_exact(bool groupCommit)
    {
        const int Writers = 64, Each = 200;
        var useCase = UseCase(groupCommit);
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                if (!(await useCase.ExecuteAsync(Increment(), _ct)).Succeeded)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, _ct)));

        // Exact either way: every increment answered 200 is counted once, and nothing else is. Without group commit the
        // writers race each other for every commit, and one that loses 200 times in a row on a loaded 2-core machine is
        // answered 503 (nothing written), which the first assertion allows there and only there.
        var final = (await _store.ReadAsync(Hits, _ct)).Counter;
        Assert.True(groupCommit ? failures == 0 : failures < Writers, $"{failures} increments were refused.");
        Assert.Equal(Writers * Each - failures, final.Value);
        Assert.Equal(new CounterVersion(Writers * Each - failures), final.Version);
    }

    [Fact]
    public async Task One_visitor_from_sixteen_parallel_tasks_in_two_processes_ends_with_an_exact_total()
    {
        const int Tasks = 16, Each = 150;
        UseCaseFor[] processes = [new(UseCase(true, seed: 1)), new(UseCase(true, seed: 2))];

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                Assert.True((await processes[t % 2].UseCase.ExecuteAsync(Increment(3, visitor: Alice), _ct)).Succeeded);
            }
        }, _ct)));

        Assert.Equal(Tasks * Each * 3, await _store.TotalOfAsync(Hits, Alice));
        Assert.Equal(Tasks * Each * 3, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    [Fact]
    public async Task A_thousand_concurrent_tries_of_one_key_increment_once_and_all_see_the_same_result()
    {
        var useCase = UseCase(groupCommit: true);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ =>
            Task.Run(() => useCase.ExecuteAsync(Increment(key: "same-key"), _ct), _ct)));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Single(outcomes, o => !o.Value!.Replayed);
        Assert.Single(outcomes.Select(o => o.Value!.Result).Distinct());
        Assert.Equal(1, (await _store.ReadAsync(Hits, _ct)).Counter.Value);
    }

    /// <summary>
    /// The interleaving hunt. Per seed: two to four processes over one store, each behind its own seeded latency and
    /// losing a seeded share of commit answers, sixteen writers spread over them, visitors shared between them, every
    /// request keyed, a fifth of them sent twice at once (to two processes), some callers giving up midway. On every
    /// other seed all the processes start on the same lane, so they must move apart. Callers behave like the pages:
    /// after a 503 or giving up they send the same request again. Then each lane's history must be serial, each key
    /// counted once, each visitor's totals a chain, and the store exactly the sum.
    /// </summary>
    [Fact]
    public async Task Under_seeded_latency_lost_answers_cancellations_and_several_processes_each_lane_is_serial_and_each_key_counts_once()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var store = new InMemoryCounterStore();
            var counter = CounterName.Parse($"hunt-{seed}").Value!;
            var sameLane = seed % 2 == 0;
            IncrementCounter Process(int n) => new(
                new LossyStore(new LatentStore(store, seed * 10 + n), rate: 0.05, seed: seed * 10 + n),
                new InstantTimeProvider(), CounterMetrics.Unregistered(), new IncrementOptions(GroupCommit: true, Patient), new Random(sameLane ? seed : (seed * 10) + n));
            var processes = Enumerable.Range(1, 2 + (seed % 3)).Select(Process).ToArray();
            var random = new Random(seed);
            var plans = Enumerable.Range(0, 16).Select(w => Enumerable.Range(0, 12).Select(i => (
                Request: Increment(random.Next(1, 6), $"w{w}-i{i}", random.Next(4) == 0 ? null : Visitor(random.Next(3)), counter),
                Twice: random.Next(5) == 0,
                GiveUp: random.Next(8) == 0)).ToList()).ToList();
            var answers = new List<(IncrementRequest, IncrementReply)>();

            await Task.WhenAll(plans.Select((plan, w) => Task.Run(async () =>
            {
                foreach (var (request, twice, giveUp) in plan)
                {
                    var sends = twice ? 2 : 1;
                    var results = await Task.WhenAll(Enumerable.Range(0, sends).Select(s => SendUntilAnsweredAsync(processes[(w + s) % processes.Length], request, giveUp && s == 0)));
                    lock (answers)
                    {
                        answers.AddRange(results.SelectMany(r => r).Select(r => (request, r)));
                    }
                }
            }, _ct)));

            var distinct = plans.SelectMany(p => p).Select(p => p.Request).ToList();
            var final = await store.ReadAsync(counter, _ct);
            Assert.Equal(distinct.Sum(r => r.By.Value), final.Counter.Value);
            Assert.Equal(distinct.Count, final.Counter.Version.Value);
            SerialHistory.AssertSerialPerLane(answers, final);
            SerialHistory.AssertTotalsChain(answers, new Dictionary<VisitorId, long>());
            var totals = await store.ReadTotalsAsync(counter, [Visitor(0), Visitor(1), Visitor(2)], _ct);
            foreach (var (visitor, total) in totals)
            {
                Assert.Equal(distinct.Where(r => r.Visitor == visitor).Sum(r => (long)r.By.Value), total.Total);
            }
        }
    }

    /// <summary>
    /// What a page behind Azure SignalR Service (or Standalone's backplane) sees when several processes take increments
    /// at the same moment. Per seed: two to four processes over one store, each behind its own seeded latency and losing
    /// a seeded share of commit answers, bursts of simultaneous increments through every process. Each commit's message
    /// counts the other lanes as its process last read them, so the last message alone is often behind; merged lane by
    /// lane (per lane the highest version), every commit's <c>counterUpdated</c> ends on the store's exact total, and so
    /// does the merge of every answer, in any order.
    /// </summary>
    [Fact]
    public async Task Every_commit_s_message_merged_lane_by_lane_ends_on_the_exact_total_across_processes()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var store = new InMemoryCounterStore();
            var counter = CounterName.Parse($"merge-{seed}").Value!;
            var processes = Enumerable.Range(1, 2 + (seed % 3)).Select(n => new IncrementCounter(
                new LossyStore(new LatentStore(store, (seed * 10) + n), rate: 0.05, seed: (seed * 10) + n),
                new InstantTimeProvider(), CounterMetrics.Unregistered(), new IncrementOptions(GroupCommit: true, Patient), new Random((seed * 10) + n))).ToArray();
            var messages = new List<CounterView>();
            var answers = new List<LanesView>();

            for (var burst = 0; burst < 4; burst++)
            {
                await Task.WhenAll(processes.SelectMany(process => Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
                {
                    var reply = (await SendUntilAnsweredAsync(process, Increment(key: $"b{burst}-{Guid.NewGuid():N}", counter: counter), giveUpFirst: false)).Single();
                    lock (messages)
                    {
                        answers.Add(IncrementView.From(reply.Result).Lanes!);
                        if (reply.Broadcast.ToSubscribers is { } update)
                        {
                            messages.Add(update.Counter);
                        }
                    }
                }, _ct))));
            }

            var truth = (await store.ReadAsync(counter, _ct)).Counter;
            Assert.All(messages, message => Assert.Equal((message.Value, message.Version), (message.Lanes.Sum.Value, message.Lanes.Sum.Version)));
            var shuffled = messages.Select(m => m.Lanes).OrderBy(_ => new Random(seed).Next()).ToList();
            foreach (var order in new[] { messages.Select(m => m.Lanes).ToList(), Enumerable.Reverse(messages.Select(m => m.Lanes)).ToList(), shuffled })
            {
                var merged = order.Aggregate(LanesView.None, (view, lanes) => view.Merge(lanes));
                Assert.Equal(LanesView.From(truth.Lanes), merged);
            }

            Assert.Equal(new LaneView(truth.Value, truth.Version.Value), answers.Aggregate(LanesView.None, (view, lanes) => view.Merge(lanes)).Sum);
        }
    }

    /// <summary>Every answer the request got: the one it waited for, and the abandoned try's if that was answered anyway.</summary>
    async Task<List<IncrementReply>> SendUntilAnsweredAsync(IncrementCounter useCase, IncrementRequest request, bool giveUpFirst)
    {
        var answers = new List<IncrementReply>();
        if (giveUpFirst)
        {
            using var giveUp = new CancellationTokenSource();
            var abandoned = useCase.ExecuteAsync(request, giveUp.Token);
            await giveUp.CancelAsync();
            if (await Task.WhenAny(abandoned) == abandoned && abandoned.IsCompletedSuccessfully && (await abandoned).Succeeded)
            {
                answers.Add((await abandoned).Value!);
            }
        }

        while (true)
        {
            var outcome = await useCase.ExecuteAsync(request, _ct);
            if (outcome.Succeeded)
            {
                answers.Add(outcome.Value);
                return answers;
            }

            Assert.Equal(503, outcome.Problem.Status);
        }
    }

    sealed record UseCaseFor(IncrementCounter UseCase);
}
