namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// A client that fires the same idempotent increment a thousand times at once, as a retry storm would: exactly one
/// increment happens, every caller gets the same answer, and subscribers hear of it once.
/// </summary>
[Collection(Heavy.Name)]
public sealed class ReplayStormTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IAsyncDisposable
{
    const int Replays = 1000;
    const string Visitor = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    HubConnection? _connection;

    [Fact]
    public async Task A_thousand_concurrent_replays_of_one_key_increment_once_answer_alike_and_broadcast_once()
    {
        const string name = "storm", marker = "storm-marker";
        var seed = await SeededCounter.SeedAsync(_http, name);
        _connection = await server.ConnectAsync(Visitor, _ct);
        var watcher = Inbox.Of(_connection);
        foreach (var counter in new[] { name, marker })
        {
            using var subscribed = await _http.SubscribeAsync(counter, watcher.ConnectionId, _ct);
            Assert.Equal(HttpStatusCode.NoContent, subscribed.StatusCode);
        }

        // A thousand connections, all released together so that they race for the same key.
        using var storm = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Replays }) { BaseAddress = server.BaseAddress };
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replays = Enumerable.Range(0, Replays).Select(async _ =>
        {
            await go.Task;
            using var response = await storm.IncrementAsync(name, "{\"by\":3}", key: "storm-key", visitorId: Visitor, cancellationToken: _ct);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) ? string.Join(",", values) : null;
            return (response.StatusCode, Replayed: replayed, Body: await response.Content.ReadAsStringAsync(_ct));
        }).ToArray();
        go.SetResult();
        var answers = await Task.WhenAll(replays);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Single(answers.Select(answer => answer.Body).Distinct());
        Assert.Single(answers, answer => answer.Replayed is null);
        Assert.Equal(Replays - 1, answers.Count(answer => answer.Replayed == "true"));
        var after = await _http.GetCounterAsync(name, _ct);
        Assert.Equal((seed.Before.Value + 3, seed.Before.Version + 1), (after.Value, after.Version));

        // The marker's message is sent after every replay was answered, and a connection receives in send order.
        await _http.IncrementOkAsync(marker, cancellationToken: _ct);
        await watcher.WaitForAsync<CounterView>(m => m.Name == marker);
        Assert.Equal(after, Assert.Single(watcher.All<CounterView>(), m => m.Name == name));
        Assert.Single(watcher.All<IncrementAppliedView>(), m => m.Name == name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _http.Dispose();
    }
}
