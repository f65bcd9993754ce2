using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Every route answers the same with a trailing slash as without one, checks included: a slash must never be a way
/// around a rule.
/// </summary>
public sealed class TrailingSlashTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IAsyncDisposable
{
    const string Visitor = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reading_a_counter_with_a_trailing_slash_reads_it_and_still_checks_the_name()
    {
        var seed = await SeededCounter.SeedAsync(_http, "slash-read");

        var read = await RawHttp.SendAsync(server.BaseAddress, "GET", $"/api/counters/{seed.Name}/");
        var bad = await RawHttp.SendAsync(server.BaseAddress, "GET", "/api/counters/Not_A_Name/");

        Assert.Equal(200, read.Status);
        Assert.Contains($"\"version\":{seed.Before.Version}", read.BodyText, StringComparison.Ordinal);
        bad.AssertProblem(400);
    }

    [Fact]
    public async Task Incrementing_with_a_trailing_slash_counts_once_and_still_checks_body_and_headers()
    {
        var seed = await SeededCounter.SeedAsync(_http, "slash-increment");
        var path = $"/api/counters/{seed.Name}/increment/";

        var badBody = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json("{\"by\":0}"), "Content-Type: application/json");
        var badKey = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json("{\"by\":2}"), "Idempotency-Key: has space");
        var badVisitor = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json("{\"by\":2}"), "X-Visitor-Id: nope");
        var tooLarge = await RawHttp.SendAsync(server.BaseAddress, "POST", path, new byte[2000], "Content-Type: application/json");
        badBody.AssertProblem(400);
        badKey.AssertProblem(400);
        badVisitor.AssertProblem(400);
        tooLarge.AssertProblem(413);
        await seed.AssertUnchangedAsync();

        var applied = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json("{\"by\":2}"), "Content-Type: application/json");
        Assert.Equal(200, applied.Status);
        Assert.Equal(seed.Before.Version + 1, (await _http.GetCounterAsync(seed.Name, _ct)).Version);
    }

    [Fact]
    public async Task Subscribing_with_a_trailing_slash_still_checks_the_body_and_the_connection()
    {
        var seed = await SeededCounter.SeedAsync(_http, "slash-subscribe");
        var path = $"/api/counters/{seed.Name}/subscriptions/";
        var connection = await server.ConnectAsync(Visitor, _ct);
        await using var _ = connection;

        var malformed = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json("{\"connectionId\":\"a/b\"}"), "Content-Type: application/json");
        var live = await RawHttp.SendAsync(server.BaseAddress, "POST", path, Json($"{{\"connectionId\":\"{connection.ConnectionId}\"}}"), "Content-Type: application/json");

        malformed.AssertProblem(400);
        Assert.Equal(204, live.Status);
        await seed.AssertUnchangedAsync();
    }

    [Fact]
    public async Task Unsubscribing_with_a_trailing_slash_still_checks_the_connection_id()
    {
        var ok = await RawHttp.SendAsync(server.BaseAddress, "DELETE", "/api/counters/slash-unsubscribe/subscriptions/abc/");
        var malformed = await RawHttp.SendAsync(server.BaseAddress, "DELETE", "/api/counters/slash-unsubscribe/subscriptions/a%20b/");

        Assert.Equal(204, ok.Status);
        malformed.AssertProblem(400);
    }

    [Theory]
    [InlineData("/api/negotiate/?negotiateVersion=1")]
    [InlineData("/api/negotiate/?negotiateVersion=1&visitorId=nope")]
    [InlineData("/api/negotiate//?negotiateVersion=1&visitorId=nope")]
    [InlineData("/API/NEGOTIATE/?negotiateVersion=1&visitorId=3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A")]
    public async Task Negotiate_with_a_trailing_slash_still_requires_a_well_formed_visitor_id(string target)
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, "POST", target);

        var problem = response.AssertProblem(400);
        Assert.Contains("visitorId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("connectionId", response.BodyText, StringComparison.Ordinal);
    }

    /// <summary>SignalR answers an unreadable negotiateVersion with a 200 carrying {"error"}; the contract wants a problem.</summary>
    [Theory]
    [InlineData("/api/negotiate?visitorId=3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a&negotiateVersion=abc")]
    [InlineData("/api/negotiate/?visitorId=3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a&negotiateVersion=-1")]
    [InlineData("/api/negotiate?visitorId=3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a&negotiateVersion=1&negotiateVersion=1")]
    [InlineData("/api/negotiate?visitorId=3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a&negotiateVersion=")]
    public async Task Negotiate_with_a_malformed_negotiate_version_is_a_400_problem(string target)
    {
        using var response = await _http.PostAsync(new Uri(target, UriKind.Relative), null, _ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Negotiate_with_a_trailing_slash_and_a_visitor_id_negotiates()
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, "POST", $"/api/negotiate/?negotiateVersion=1&visitorId={Visitor}");

        Assert.Equal(200, response.Status);
        Assert.Contains("connectionId", response.BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Negotiate_with_a_trailing_slash_and_another_method_is_a_405_problem_with_allow(string method)
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, method, "/api/negotiate/");

        response.AssertProblem(405);
        Assert.Equal("POST", response.Headers["Allow"]);
    }

    [Theory]
    [InlineData("PUT", "/api/counters/slash-methods/", "GET")]
    [InlineData("GET", "/api/counters/slash-methods/increment/", "POST")]
    [InlineData("GET", "/api/counters/slash-methods/subscriptions/", "POST")]
    [InlineData("POST", "/api/counters/slash-methods/subscriptions/abc/", "DELETE")]
    public async Task A_wrong_method_with_a_trailing_slash_is_a_405_problem_with_allow(string method, string path, string allow)
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, method, path, method == "GET" ? null : Json("{\"by\":5}"));

        response.AssertProblem(405);
        Assert.Equal(allow, response.Headers["Allow"]);
    }

    static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
