namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// Who receives what. A connection receives its messages in the order the server sent them, so "did not receive
/// X" is checked after a later message that the same connection did receive: no sleeps, no timing. On each store
/// (the classes at the end pick the store).
/// </summary>
public abstract class DeliveryTests<TServer>(TServer server) : IClassFixture<TServer>, IAsyncDisposable
    where TServer : LiveCounterServer
{
    const string VisitorX = "3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a";
    const string VisitorY = "01890a5d-ac96-774b-bcce-b302099a8057";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    readonly List<HubConnection> _connections = [];

    static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..30];

    async Task<Inbox> ConnectAsync(string? visitorId = null, params string[] subscribeTo)
    {
        var connection = await server.ConnectAsync(visitorId, _ct);
        _connections.Add(connection);
        var inbox = Inbox.Of(connection);
        foreach (var name in subscribeTo)
        {
            using var response = await _http.SubscribeAsync(name, inbox.ConnectionId, _ct);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        return inbox;
    }

    [Fact]
    public async Task An_increment_reaches_every_subscriber_of_its_counter_and_no_other()
    {
        string a = Unique("a"), b = Unique("b");
        var firstOfA = await ConnectAsync(subscribeTo: a);
        var secondOfA = await ConnectAsync(subscribeTo: a);
        var onlyB = await ConnectAsync(subscribeTo: b);

        var applied = await _http.IncrementOkAsync(a, by: 2, cancellationToken: _ct);
        await _http.IncrementOkAsync(b, cancellationToken: _ct);

        var expected = new CounterView(a, 2, 1, applied.UpdatedAt, applied.Lanes!);
        Assert.Equal(expected, await firstOfA.WaitForAsync<CounterView>(m => m.Name == a));
        Assert.Equal(expected, await secondOfA.WaitForAsync<CounterView>(m => m.Name == a));
        await onlyB.WaitForAsync<CounterView>(m => m.Name == b);
        Assert.DoesNotContain(onlyB.All<CounterView>(), m => m.Name == a);
    }

    [Fact]
    public async Task Increment_applied_reaches_all_connections_of_the_incrementing_visitor_only()
    {
        var name = Unique("mine");
        var xPhone = await ConnectAsync(VisitorX);
        var xLaptop = await ConnectAsync(VisitorX);
        var y = await ConnectAsync(VisitorY);

        var first = await _http.IncrementOkAsync(name, by: 4, visitorId: VisitorX, cancellationToken: _ct);
        var second = await _http.IncrementOkAsync(name, by: 1, visitorId: VisitorY, cancellationToken: _ct);

        var expected = new IncrementAppliedView(name, 4, 1, first.Lanes!, By: 4, YourTotal: 4);
        Assert.Equal(expected, await xPhone.WaitForAsync<IncrementAppliedView>(m => m.Name == name));
        Assert.Equal(expected, await xLaptop.WaitForAsync<IncrementAppliedView>(m => m.Name == name));
        var ownMessage = await y.WaitForAsync<IncrementAppliedView>(m => m.Name == name);
        Assert.Equal(new IncrementAppliedView(name, 5, 2, second.Lanes!, By: 1, YourTotal: 1), ownMessage);
        Assert.Single(y.All<IncrementAppliedView>());
    }

    [Fact]
    public async Task Unsubscribing_stops_delivery()
    {
        string name = Unique("leave"), marker = Unique("marker");
        var leaver = await ConnectAsync(subscribeTo: [name, marker]);

        await _http.IncrementOkAsync(name, cancellationToken: _ct);
        await leaver.WaitForAsync<CounterView>(m => m.Name == name);
        using var response = await _http.UnsubscribeAsync(name, leaver.ConnectionId, _ct);
        await _http.IncrementOkAsync(name, cancellationToken: _ct);
        await _http.IncrementOkAsync(marker, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await leaver.WaitForAsync<CounterView>(m => m.Name == marker);
        Assert.Single(leaver.All<CounterView>(), m => m.Name == name);
    }

    [Fact]
    public async Task A_replayed_increment_broadcasts_nothing()
    {
        string name = Unique("replay"), marker = Unique("marker");
        var watcher = await ConnectAsync(VisitorX, subscribeTo: [name, marker]);

        await _http.IncrementOkAsync(name, key: "once", visitorId: VisitorX, cancellationToken: _ct);
        await _http.IncrementOkAsync(name, key: "once", visitorId: VisitorX, cancellationToken: _ct);
        await _http.IncrementOkAsync(marker, cancellationToken: _ct);

        await watcher.WaitForAsync<CounterView>(m => m.Name == marker);
        Assert.Single(watcher.All<CounterView>(), m => m.Name == name);
        Assert.Single(watcher.All<IncrementAppliedView>());
    }

    [Fact]
    public async Task A_connection_may_subscribe_the_instant_its_handshake_completes()
    {
        var name = Unique("eager");
        var connections = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ConnectAsync(subscribeTo: name)));

        await _http.IncrementOkAsync(name, cancellationToken: _ct);

        await Task.WhenAll(connections.Select(c => c.WaitForAsync<CounterView>(m => m.Name == name)));
    }

    [Fact]
    public async Task A_hub_connection_with_a_malformed_visitor_id_is_refused()
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => server.ConnectAsync("not-a-uuid", _ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _http.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DeliveryOnTheInMemoryStore(LiveCounterServer server) : DeliveryTests<LiveCounterServer>(server);

public sealed class DeliveryOnTheTableStore(TableLiveCounterServer server) : DeliveryTests<TableLiveCounterServer>(server);
