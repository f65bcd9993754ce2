using System.Diagnostics;
using LiveCounter.Realtime;
using LiveCounter.Standalone.Realtime;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// A backplane that goes away never fails or slows an increment and loses no count; messages sent meanwhile are lost,
/// and they flow again once it is back. Redis is stopped (connections refused) or frozen (connections open, nothing
/// answered) under two instances, and always brought back before the test ends.
/// </summary>
public sealed class BackplaneOutageTests(InstancesOnOneBackplane instances) : IClassFixture<InstancesOnOneBackplane>, IAsyncDisposable
{
    /// <summary>A failure bound for what must happen once Redis is back (the client reconnects within about a second).</summary>
    static readonly TimeSpan BackPatience = TimeSpan.FromSeconds(30);

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    readonly List<HubConnection> _connections = [];
    readonly HttpClient _viaA = instances.A.CreateHttpClient();
    readonly HttpClient _viaB = instances.B.CreateHttpClient();

    [Fact]
    public async Task With_Redis_stopped_increments_through_either_instance_answer_within_their_deadline_and_all_count_then_messages_flow_again()
    {
        var name = Backplane.Unique("outage");
        var visitor = Guid.NewGuid().ToString("D");
        var watcher = await Backplane.ConnectAsync(instances.A, _connections, _ct, subscribeTo: name);
        var visitorsPage = await Backplane.ConnectAsync(instances.A, _connections, _ct, visitor);

        await instances.Redis.StopAsync();
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
                TimedIncrementAsync(i % 2 == 0 ? _viaA : _viaB, name, visitor)));

            Assert.All(answers, answer =>
            {
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                Assert.True(answer.Took < AnswerDeadline.Default.Within, $"An increment took {answer.Took} with Redis down.");
            });
            Assert.Equal(10, (await _viaA.GetCounterAsync(name, _ct)).Value);
            Assert.Equal(10, (await _viaB.GetCounterAsync(name, _ct)).Value);
        }
        finally
        {
            await instances.RestartRedisAsync(_ct);
        }

        await EventuallyAsync(
            async () =>
            {
                await _viaB.IncrementOkAsync(name, visitorId: visitor, cancellationToken: _ct);
                return watcher.All<CounterView>().Any(m => m.Name == name && m.Value > 10)
                    && visitorsPage.All<IncrementAppliedView>().Any(m => m.Name == name && m.YourTotal > 10);
            },
            "counterUpdated and incrementApplied through B to connections on A after Redis came back");
    }

    [Fact]
    public async Task With_Redis_stopped_a_subscription_is_refused_at_once_with_503_and_its_retry_once_Redis_is_back_delivers()
    {
        var name = Backplane.Unique("refused");
        var late = await Backplane.ConnectAsync(instances.A, _connections, _ct);
        var failedBefore = FailedGroupChanges();

        await instances.Redis.StopAsync();
        try
        {
            // Until the instance has noticed, a subscription still asks Redis (and is refused within its bound, cleaned up).
            await EventuallyAsync(() => Task.FromResult(!instances.A.Services.GetRequiredService<RealtimeBackplane>().IsConnected), "instance A noticing Redis is down");
            var asked = Stopwatch.StartNew();
            using var refused = await _viaA.SubscribeAsync(name, late.ConnectionId, _ct);

            Assert.True(asked.Elapsed < RealtimeSender.GroupChangeBound, $"The refusal took {asked.Elapsed}.");
            await refused.AssertProblemAsync(503);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(failedBefore, FailedGroupChanges()); // refused before asking Redis, so it left nothing to clean up
        }
        finally
        {
            await instances.RestartRedisAsync(_ct);
        }

        await AssertTheRetryDeliversAsync(late, name);
    }

    [Fact]
    public async Task With_Redis_frozen_a_subscription_answers_503_within_its_bound_increments_still_answer_and_the_retry_once_Redis_answers_again_delivers()
    {
        var name = Backplane.Unique("frozen");
        var late = await Backplane.ConnectAsync(instances.A, _connections, _ct);

        var failedBefore = FailedGroupChanges();
        await instances.Redis.FreezeAsync();
        try
        {
            var asked = Stopwatch.StartNew();
            using var unanswered = await _viaA.SubscribeAsync(name, late.ConnectionId, _ct);
            var took = asked.Elapsed;
            var increments = await Task.WhenAll(TimedIncrementAsync(_viaA, name), TimedIncrementAsync(_viaB, name));

            await unanswered.AssertProblemAsync(503);
            Assert.True(took < RealtimeSender.GroupChangeBound + TimeSpan.FromSeconds(1), $"The subscription took {took}.");
            Assert.All(increments, answer =>
            {
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                Assert.True(answer.Took < AnswerDeadline.Default.Within, $"An increment took {answer.Took} with Redis frozen.");
            });

            // Frozen until the unanswered join has failed for good (Redis's own timeout), so that what it left behind is what the retry meets.
            await UntilAJoinFailedAsync(failedBefore);
        }
        finally
        {
            await instances.ThawRedisAsync(_ct);
        }

        await AssertTheRetryDeliversAsync(late, name);
    }

    [Fact]
    public async Task A_join_that_Redis_left_unanswered_leaves_no_subscription_of_its_counter_behind_for_when_Redis_is_back()
    {
        string name = Backplane.Unique("orphan"), canary = Backplane.Unique("canary");
        var late = await Backplane.ConnectAsync(instances.A, _connections, _ct, subscribeTo: canary);

        var failedBefore = FailedGroupChanges();
        await instances.Redis.FreezeAsync();
        try
        {
            using var unanswered = await _viaA.SubscribeAsync(name, late.ConnectionId, _ct);
            await unanswered.AssertProblemAsync(503);
            await UntilAJoinFailedAsync(failedBefore);
        }
        finally
        {
            await instances.ThawRedisAsync(_ct);
        }

        // A Redis that starts afresh hears again of every channel the instance has registered.
        await instances.RestartRedisAsync(_ct);
        await using var probe = await ConnectionMultiplexer.ConnectAsync(instances.Redis.Configuration);
        await EventuallyAsync(async () => await SubscribersOfAsync(probe, canary) == 1, "renewed subscription of A to the canary's channel");

        Assert.Equal(0, await SubscribersOfAsync(probe, name));
    }

    [Fact]
    public async Task No_log_line_of_an_instance_on_the_backplane_carries_a_visitor_id_whether_Redis_is_up_or_down()
    {
        string name = Backplane.Unique("secret"), before = Guid.NewGuid().ToString("D"), during = Guid.NewGuid().ToString("D");
        var page = await Backplane.ConnectAsync(instances.A, _connections, _ct, before);

        // The visitor's messages flow through Redis before the outage (the first increment may precede the instance's
        // subscription to the visitor's channel after an earlier test restarted Redis: at most once, so go again).
        await EventuallyAsync(async () =>
        {
            await _viaB.IncrementOkAsync(name, visitorId: before, cancellationToken: _ct);
            return page.All<IncrementAppliedView>().Any(m => m.Name == name);
        }, "the visitor's incrementApplied through Redis");

        var linesBefore = instances.LogsOfA.Lines.Count;
        await instances.Redis.StopAsync();
        try
        {
            // SignalR closes a connection it cannot subscribe on Redis, at or right after the handshake (which of the two is
            // a race on the server): its failure is logged either way.
            var closed = new TaskCompletionSource();
            try
            {
                var refused = await instances.A.ConnectAsync(during, _ct);
                refused.Closed += _ => Task.Run(() => closed.TrySetResult());
                _connections.Add(refused);
                if (refused.State == HubConnectionState.Disconnected)
                {
                    closed.TrySetResult();
                }
            }
            catch (InvalidOperationException) when (!_ct.IsCancellationRequested)
            {
                // "The server disconnected before sending a handshake response."
                closed.TrySetResult();
            }

            await _viaA.IncrementOkAsync(name, visitorId: during, cancellationToken: _ct);
            await closed.Task.WaitAsync(BackPatience, _ct);
        }
        finally
        {
            await instances.RestartRedisAsync(_ct);
        }

        Assert.True(instances.LogsOfA.Lines.Count > linesBefore);
        Assert.DoesNotContain(instances.LogsOfA.Lines, line => line.Contains(before, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(instances.LogsOfA.Lines, line => line.Contains(during, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task An_instance_started_while_Redis_is_down_answers_increments_and_joins_the_backplane_once_Redis_is_up()
    {
        var name = Backplane.Unique("late-start");
        var watcher = await Backplane.ConnectAsync(instances.A, _connections, _ct, subscribeTo: name);

        await instances.Redis.StopAsync();
        var startedAlone = await StartWhileRedisIsDownAsync();
        await using (startedAlone)
        {
            using var viaC = startedAlone.CreateHttpClient();
            try
            {
                var alone = await TimedIncrementAsync(viaC, name);

                Assert.Equal(HttpStatusCode.OK, alone.Status);
                Assert.True(alone.Took < AnswerDeadline.Default.Within, $"The increment took {alone.Took}.");
            }
            finally
            {
                await instances.RestartRedisAsync(_ct);
            }

            await EventuallyAsync(
                async () =>
                {
                    await viaC.IncrementOkAsync(name, cancellationToken: _ct);
                    return watcher.All<CounterView>().Any(m => m.Name == name);
                },
                "counterUpdated through the instance that started without Redis");
        }
    }

    async Task<LiveCounterServer> StartWhileRedisIsDownAsync()
    {
        try
        {
            return await instances.StartInstanceAsync();
        }
        catch
        {
            await instances.RestartRedisAsync(_ct);
            throw;
        }
    }

    /// <summary>What the page does after a refused subscription: retry until 204; then the connection must hear the counter.</summary>
    async Task AssertTheRetryDeliversAsync(Inbox connection, string name)
    {
        await EventuallyAsync(
            async () =>
            {
                using var retried = await _viaA.SubscribeAsync(name, connection.ConnectionId, _ct);
                return retried.StatusCode == HttpStatusCode.NoContent;
            },
            "the retried subscription's 204");
        await EventuallyAsync(
            async () =>
            {
                await _viaB.IncrementOkAsync(name, cancellationToken: _ct);
                return connection.All<CounterView>().Any(m => m.Name == name);
            },
            "counterUpdated through B to the connection that subscribed on A again");
    }

    int FailedGroupChanges() =>
        instances.LogsOfA.Lines.Count(line => line.Contains("A group change on the realtime backplane failed.", StringComparison.Ordinal));

    Task UntilAJoinFailedAsync(int failedBefore) =>
        EventuallyAsync(() => Task.FromResult(FailedGroupChanges() > failedBefore), "failed group change in A's log");

    /// <summary>How many Redis clients subscribe to the channel of <paramref name="counter"/>'s group.</summary>
    static async Task<long> SubscribersOfAsync(ConnectionMultiplexer probe, string counter)
    {
        var channel = RealtimeBackplane.DefaultChannelPrefix + RealtimeBackplane.GroupChannel(CounterHubContract.GroupFor(CounterName.Parse(counter).Value!));
        return await probe.GetServer(probe.GetEndPoints().Single()).SubscriptionSubscriberCountAsync(RedisChannel.Literal(channel));
    }

    async Task<(HttpStatusCode Status, TimeSpan Took)> TimedIncrementAsync(HttpClient http, string name, string? visitor = null)
    {
        var sent = Stopwatch.StartNew();
        using var response = await http.IncrementAsync(name, visitorId: visitor, cancellationToken: _ct);
        return (response.StatusCode, sent.Elapsed);
    }

    /// <summary>Polls <paramref name="attempt"/> until it is true; the patience is a failure bound, not a timing assertion.</summary>
    async Task EventuallyAsync(Func<Task<bool>> attempt, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await attempt())
        {
            Assert.True(waited.Elapsed < BackPatience, $"No {what} within {BackPatience.TotalSeconds} s.");
            await Task.Delay(200, _ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _viaA.Dispose();
        _viaB.Dispose();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
