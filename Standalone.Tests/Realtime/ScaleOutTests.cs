using System.Diagnostics;
using LiveCounter.Standalone.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// What a person sees when the app is scaled out: three instances on one table and one Redis backplane, increments at
/// the same instant through every instance. Each commit's message counts the other instances' lanes as its instance
/// last read them, so no single message need be the total; a page that merges lane by lane ends on it.
/// </summary>
public sealed class ScaleOutTests(InstancesOnOneBackplane instances, Chromium chromium, ITestOutputHelper output)
    : IClassFixture<InstancesOnOneBackplane>, IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>A failure bound, not a timing assertion: how soon subscribers get there is the benchmark's to measure.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    readonly List<HubConnection> _connections = [];
    LiveCounterServer? _c;

    LiveCounterServer[] Three => [instances.A, instances.B, _c!];

    public async ValueTask InitializeAsync() => _c = await instances.StartInstanceAsync();

    /// <summary>
    /// Per round (a seed of its own): a fresh counter, one subscriber on each instance, then three increments through
    /// each instance released at the same instant. Every subscriber's merge of the <c>counterUpdated</c> it received
    /// must end on the table's total, value and version, in every round.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Bursts_through_every_instance_leave_every_subscriber_on_every_instance_on_the_table_s_total(int count)
    {
        var servers = Three[..count];
        var clients = servers.Select(server => server.CreateHttpClient()).ToArray();
        var slowest = TimeSpan.Zero;
        for (var round = 0; round < 12; round++)
        {
            var random = new Random(round);
            var name = Backplane.Unique($"burst{round}");
            var subscribers = new List<Inbox>();
            foreach (var server in servers)
            {
                subscribers.Add(await Backplane.ConnectAsync(server, _connections, _ct, subscribeTo: name));
            }

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var burst = clients.SelectMany(client => Enumerable.Range(0, 3).Select(async _ =>
            {
                await go.Task;
                return await client.IncrementOkAsync(name, by: random.Next(1, 9), cancellationToken: _ct);
            })).ToList();
            go.SetResult();
            await Task.WhenAll(burst);
            var lastAnswer = Stopwatch.StartNew();

            var truth = await clients[0].GetCounterAsync(name, _ct);
            Assert.Equal(count * 3, truth.Version);
            foreach (var (subscriber, at) in subscribers.Select((s, i) => (s, i)))
            {
                var shown = await ShownWhenEqualAsync(subscriber, name, truth);
                Assert.True(shown == truth.Lanes.Sum, $"Round {round}: the subscriber on instance {at} shows {shown}, the table holds {truth.Lanes.Sum}; it received {string.Join(", ", subscriber.All<CounterView>().Select(m => m.Lanes))}.");
            }

            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, lastAnswer.Elapsed.Ticks));
        }

        output.WriteLine($"{count} instances: every subscriber on the truth in every round, at most {slowest.TotalMilliseconds:0} ms after the last answer.");
    }

    [Fact]
    public async Task The_counter_page_on_one_instance_shows_the_exact_total_while_increments_go_through_the_others()
    {
        var name = Backplane.Unique("page");
        await using var viewer = await chromium.NewVisitorAsync(instances.A.BaseAddress);
        var counterPage = await viewer.NewPageAsync();
        await counterPage.GotoAsync($"counter/?name={name}");
        await Expect(counterPage.GetByTestId("connection-status")).ToHaveTextAsync("live", new() { Timeout = 30_000 });
        using var viaB = instances.B.CreateHttpClient();
        using var viaC = _c!.CreateHttpClient();

        var slowest = TimeSpan.Zero;
        for (var burst = 1; burst <= 4; burst++)
        {
            await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { viaB.IncrementOkAsync(name, by: 2, cancellationToken: _ct), viaC.IncrementOkAsync(name, by: 3, cancellationToken: _ct) }));
            var lastAnswer = Stopwatch.StartNew();
            var truth = await viaB.GetCounterAsync(name, _ct);
            Assert.Equal(burst * 15, truth.Value);
            await Expect(counterPage.GetByTestId("counter-value")).ToHaveTextAsync($"{truth.Value}", new() { Timeout = (float)Patience.TotalMilliseconds });
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, lastAnswer.Elapsed.Ticks));
        }

        output.WriteLine($"The page showed the table's total at most {slowest.TotalMilliseconds:0} ms after each burst's last answer.");
    }

    /// <summary>What the subscriber shows (its merge, lane by lane) once it equals the truth, or when patience ran out.</summary>
    async Task<LaneView> ShownWhenEqualAsync(Inbox subscriber, string name, CounterView truth)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var shown = subscriber.All<CounterView>().Where(m => m.Name == name).Aggregate(LanesView.None, (merged, m) => merged.Merge(m.Lanes)).Sum;
            if (shown == truth.Lanes.Sum || waited.Elapsed > Patience)
            {
                return shown;
            }

            await Task.Delay(10, _ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        if (_c is not null)
        {
            await _c.DisposeAsync();
        }
    }
}
