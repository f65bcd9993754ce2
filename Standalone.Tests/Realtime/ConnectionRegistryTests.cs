using LiveCounter.Standalone.Realtime;
using LiveCounter.Subscriptions;
using Microsoft.Extensions.Time.Testing;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// The registry under a controlled clock: made-up ids never outlive their requests, and a connection that registers
/// as its grace period runs out is never forgotten, whichever side of the race wins.
/// </summary>
public sealed class ConnectionRegistryTests
{
    readonly FakeTimeProvider _time = new();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscriptions_whose_callers_give_up_during_the_grace_leave_nothing_behind()
    {
        var registry = new ConnectionRegistry(_time);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            using var abort = new CancellationTokenSource();
            var waiting = registry.WaitUntilConnectedAsync($"made-up-{i}", abort.Token);
            await abort.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }));

        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task Subscriptions_that_wait_out_the_grace_are_refused_and_leave_nothing_behind()
    {
        var registry = new ConnectionRegistry(_time);
        var waits = Enumerable.Range(0, 50).Select(i => registry.WaitUntilConnectedAsync($"made-up-{i % 10}", _ct)).ToArray();

        _time.Advance(ConnectionRegistry.Grace);

        Assert.All(await Task.WhenAll(waits), Assert.False);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task One_waiter_giving_up_does_not_strand_another_waiting_for_the_same_id()
    {
        var registry = new ConnectionRegistry(_time);
        using var abort = new CancellationTokenSource();
        var leaving = registry.WaitUntilConnectedAsync("c1", abort.Token);
        var staying = registry.WaitUntilConnectedAsync("c1", _ct);

        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        registry.Connected("c1");

        Assert.True(await staying);
    }

    [Fact]
    public async Task A_connection_registered_before_or_while_a_subscription_waits_is_admitted_and_remembered()
    {
        var registry = new ConnectionRegistry(_time);
        registry.Connected("early");
        var late = registry.WaitUntilConnectedAsync("late", _ct);

        registry.Connected("late");

        Assert.True(await registry.WaitUntilConnectedAsync("early", _ct));
        Assert.True(await late);
        Assert.Equal(2, registry.Count);
        registry.Disconnected("early");
        registry.Disconnected("late");
        Assert.Equal(0, registry.Count);
    }

    /// <summary>
    /// The grace timer and the hub's registration fire together, each after a seeded random spin, thousands of times.
    /// Whatever the waiting subscription was told, the connection must be known afterwards: a second subscription is
    /// admitted at once, without any time passing.
    /// </summary>
    [Fact]
    public async Task The_grace_running_out_as_the_connection_registers_never_forgets_the_live_connection()
    {
        const int Trials = 2000;
        var forgotten = new List<int>();
        for (var seed = 0; seed < Trials; seed++)
        {
            var time = new FakeTimeProvider();
            var registry = new ConnectionRegistry(time);
            var random = new Random(seed);
            var (expireSpin, connectSpin) = (random.Next(0, 20_000), random.Next(0, 20_000));
            var id = $"connection-{seed}";
            var waiting = registry.WaitUntilConnectedAsync(id, _ct);
            using var together = new Barrier(2);

            await Task.WhenAll(
                Task.Run(() => { together.SignalAndWait(_ct); Thread.SpinWait(expireSpin); time.Advance(ConnectionRegistry.Grace); }, _ct),
                Task.Run(() => { together.SignalAndWait(_ct); Thread.SpinWait(connectSpin); registry.Connected(id); }, _ct));
            await waiting;

            var again = registry.WaitUntilConnectedAsync(id, _ct);
            if (!again.IsCompletedSuccessfully || !await again)
            {
                forgotten.Add(seed);
            }
        }

        Assert.True(forgotten.Count == 0, $"{forgotten.Count} of {Trials} seeds forgot the connection: {string.Join(", ", forgotten.Take(20))}");
    }

    [Fact]
    public async Task A_connection_may_subscribe_to_one_hundred_counters_and_unsubscribing_frees_a_place()
    {
        var registry = new ConnectionRegistry(_time);
        registry.Connected("c");
        Assert.True(await registry.WaitUntilConnectedAsync("c", _ct));
        var counters = Enumerable.Range(0, 101).Select(i => CounterName.Parse($"n{i}").Value!).ToArray();

        Assert.All(counters[..100], counter => Assert.True(registry.TrySubscribe("c", counter)));
        Assert.False(registry.TrySubscribe("c", counters[100]));
        registry.Leave(Subscription.FromRoute(counters[0].Value, "c").Value!);
        Assert.True(registry.TrySubscribe("c", counters[100]));
    }
}
