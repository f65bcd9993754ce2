namespace LiveCounter.Standalone.Tests.Api;

public sealed class RequestLoggingTests
{
    const string Visitor = "7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

    [Fact]
    public async Task Requests_are_logged_but_a_visitor_id_never_reaches_any_log_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        await using var server = new LiveCounterServer().WithLogs(logs);
        await server.InitializeAsync();
        using var http = server.CreateHttpClient();

        await using var connection = await server.ConnectAsync(Visitor, ct);
        using var subscribed = await http.SubscribeAsync("logged", connection.ConnectionId!, ct);
        await http.IncrementOkAsync("logged", key: "k", visitorId: Visitor, cancellationToken: ct);
        using var rejected = await http.IncrementAsync("logged", "{\"by\":0}", visitorId: Visitor, cancellationToken: ct);
        await connection.StopAsync(ct);

        Assert.Contains(logs.Lines, line => line.Contains("POST /api/counters/logged/increment 200", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Visitor, StringComparison.OrdinalIgnoreCase));
    }
}
