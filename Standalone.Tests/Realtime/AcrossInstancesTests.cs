using System.Diagnostics;
using LiveCounter.Standalone.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Standalone.Tests.Realtime;

/// <summary>
/// Two instances on one table and one Redis backplane: a message sent by either reaches its group's and its user's
/// connections on both, so increments may go to any instance.
/// </summary>
public sealed class AcrossInstancesTests(InstancesOnOneBackplane instances) : IClassFixture<InstancesOnOneBackplane>, IAsyncDisposable
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    readonly List<HubConnection> _connections = [];

    [Fact]
    public async Task A_subscriber_on_one_instance_receives_counterUpdated_for_an_increment_through_the_other()
    {
        var name = Backplane.Unique("across");
        using var viaA = instances.A.CreateHttpClient();
        using var viaB = instances.B.CreateHttpClient();
        var watcher = await Backplane.ConnectAsync(instances.A, _connections, _ct, subscribeTo: name);

        var applied = await viaB.IncrementOkAsync(name, by: 3, cancellationToken: _ct);

        Assert.Equal(
            new CounterView(name, 3, 1, applied.UpdatedAt, applied.Lanes!),
            await watcher.WaitForAsync<CounterView>(m => m.Name == name));
    }

    [Fact]
    public async Task A_visitors_incrementApplied_reaches_its_connection_on_one_instance_when_the_increment_went_through_the_other()
    {
        var name = Backplane.Unique("mine");
        var visitor = Guid.NewGuid().ToString("D");
        using var viaB = instances.B.CreateHttpClient();
        var visitorsPage = await Backplane.ConnectAsync(instances.A, _connections, _ct, visitor);

        var applied = await viaB.IncrementOkAsync(name, by: 2, visitorId: visitor, cancellationToken: _ct);

        Assert.Equal(
            new IncrementAppliedView(name, 2, 1, applied.Lanes!, By: 2, YourTotal: 2),
            await visitorsPage.WaitForAsync<IncrementAppliedView>(m => m.Name == name));
    }

    [Fact]
    public async Task Every_commit_through_either_instance_reaches_the_subscribers_on_both()
    {
        var name = Backplane.Unique("both");
        using var viaA = instances.A.CreateHttpClient();
        using var viaB = instances.B.CreateHttpClient();
        var onA = await Backplane.ConnectAsync(instances.A, _connections, _ct, subscribeTo: name);
        var onB = await Backplane.ConnectAsync(instances.B, _connections, _ct, subscribeTo: name);

        var first = await viaA.IncrementOkAsync(name, cancellationToken: _ct);
        var second = await viaB.IncrementOkAsync(name, cancellationToken: _ct);

        foreach (var inbox in new[] { onA, onB })
        {
            await inbox.WaitForAsync<CounterView>(m => m.Name == name && m.Version == first.Version);
            await inbox.WaitForAsync<CounterView>(m => m.Name == name && m.Version == second.Version);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>What the backplane tests share.</summary>
static class Backplane
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..30];

    /// <summary>A hub connection to <paramref name="instance"/>, subscribed there to <paramref name="subscribeTo"/>.</summary>
    public static async Task<Inbox> ConnectAsync(
        LiveCounterServer instance, List<HubConnection> connections, CancellationToken cancellationToken, string? visitorId = null, params string[] subscribeTo)
    {
        var connection = await instance.ConnectAsync(visitorId, cancellationToken);
        connections.Add(connection);
        var inbox = Inbox.Of(connection);

        // The client's handshake completes before the hub registers the connection, which on a backplane first waits for
        // Redis: a test that stops or freezes Redis next must not catch the registration halfway (its subscription is then 404).
        var registry = instance.Services.GetRequiredService<ConnectionRegistry>();
        var waited = Stopwatch.StartNew();
        while (!await registry.WaitUntilConnectedAsync(inbox.ConnectionId, cancellationToken))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The hub never registered the connection.");
        }

        using var http = instance.CreateHttpClient();
        foreach (var name in subscribeTo)
        {
            using var response = await http.SubscribeAsync(name, inbox.ConnectionId, cancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        return inbox;
    }
}
