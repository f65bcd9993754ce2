namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// A subscriber that stops reading must not hold back the increments of its counter, nor delivery to the others.
/// </summary>
/// <remarks>
/// No answer waits for its messages (RealtimeSenderTests shows it against a hub that never completes a send); here a
/// real subscriber stops reading until SignalR's transport send timeout (10 s after its socket stalled) closes it,
/// and the increments and the healthy subscriber carry on. Each increment gets a patience of 5 s: room for a loaded
/// machine, and below the 10 s an increment waited when answers awaited their sends. The patience is a failure
/// bound, not a speed measurement: the benchmark measures what the stuck subscriber costs.
/// </remarks>
[Collection(Heavy.Name)]
public sealed class SlowConsumerTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IAsyncDisposable
{
    // The increments are made as the stuck subscriber's visitor, so each sends it incrementApplied as well as
    // counterUpdated, and with the longest name every message is as large as they get: its buffers fill sooner.
    const string StuckVisitor = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";
    const int Clients = 16;
    const int IncrementsPerRound = 4_000;
    const int MaxRounds = 25;

    static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    static readonly string Name = "slow-" + new string('x', CounterName.MaxLength - 5);

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    HubConnection? _healthyConnection;

    [Fact]
    public async Task A_subscriber_that_never_reads_holds_no_increment_back_and_the_others_still_receive_every_update()
    {
        await using var stuck = await StuckSubscriber.ConnectAsync(server.BaseAddress, StuckVisitor);
        await SubscribeAsync(stuck.ConnectionId);
        _healthyConnection = await server.ConnectAsync(cancellationToken: _ct);
        var healthy = Inbox.Of(_healthyConnection);
        await SubscribeAsync(healthy.ConnectionId);

        // Flood until the server has dropped the stuck subscriber, which proves its buffers did fill: how many messages
        // that takes depends on the machine's socket buffers (about 5,000 increments on a Linux loopback).
        var increments = 0;
        do
        {
            Assert.True(increments < MaxRounds * IncrementsPerRound, $"The stuck subscriber was still connected after {increments} increments.");
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => IncrementPatientlyAsync(IncrementsPerRound / Clients)));
            increments += IncrementsPerRound;
        }
        while (await IsConnectedAsync(stuck.ConnectionId));

        // One update per commit (a commit may hold many increments), each once, up to the last.
        await healthy.WaitForAsync<CounterView>(m => m.Version == increments);
        var versions = healthy.All<CounterView>().Select(m => m.Version).ToList();
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(HubConnectionState.Connected, _healthyConnection.State);
        var counter = await _http.GetCounterAsync(Name, _ct);
        Assert.Equal((increments, increments), (counter.Value, counter.Version));
    }

    async Task IncrementPatientlyAsync(int count)
    {
        using var client = server.CreateHttpClient();
        for (var i = 0; i < count; i++)
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(_ct);
            patience.CancelAfter(Patience);
            try
            {
                using var response = await client.IncrementAsync(Name, visitorId: StuckVisitor, cancellationToken: patience.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            catch (OperationCanceledException e) when (!_ct.IsCancellationRequested)
            {
                throw new TimeoutException($"An increment was still unanswered after {Patience.TotalSeconds} s: the subscriber that never reads held it back.", e);
            }
        }
    }

    async Task SubscribeAsync(string connectionId)
    {
        using var response = await _http.SubscribeAsync(Name, connectionId, _ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>A live connection subscribes at once (204); one the server dropped is unknown after the grace period (404).</summary>
    async Task<bool> IsConnectedAsync(string connectionId)
    {
        using var response = await _http.SubscribeAsync(Name, connectionId, _ct);
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"Unexpected {(int)response.StatusCode}.");
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        if (_healthyConnection is not null)
        {
            await _healthyConnection.DisposeAsync();
        }

        _http.Dispose();
    }
}
