using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>Every route with every method it does not take: a 405 problem, and the counter untouched.</summary>
public sealed class WrongMethodTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string Counter = "api/counters/methods";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("POST", Counter, "GET")]
    [InlineData("PUT", Counter, "GET")]
    [InlineData("PATCH", Counter, "GET")]
    [InlineData("DELETE", Counter, "GET")]
    [InlineData("OPTIONS", Counter, "GET")]
    [InlineData("TRACE", Counter, "GET")]
    [InlineData("GET", Counter + "/increment", "POST")]
    [InlineData("PUT", Counter + "/increment", "POST")]
    [InlineData("PATCH", Counter + "/increment", "POST")]
    [InlineData("DELETE", Counter + "/increment", "POST")]
    [InlineData("BREW", Counter + "/increment", "POST")]
    [InlineData("GET", Counter + "/subscriptions", "POST")]
    [InlineData("PUT", Counter + "/subscriptions", "POST")]
    [InlineData("DELETE", Counter + "/subscriptions", "POST")]
    [InlineData("GET", Counter + "/subscriptions/abc", "DELETE")]
    [InlineData("POST", Counter + "/subscriptions/abc", "DELETE")]
    [InlineData("PUT", Counter + "/subscriptions/abc", "DELETE")]
    [InlineData("GET", "api/negotiate", "POST")]
    [InlineData("PUT", "api/negotiate", "POST")]
    [InlineData("DELETE", "api/negotiate", "POST")]
    public async Task A_method_the_route_does_not_take_is_a_405_problem_with_allow_and_writes_nothing(string method, string path, string allow)
    {
        var seed = await SeededCounter.SeedAsync(_http, "methods");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is not ("GET" or "OPTIONS" or "TRACE"))
        {
            // A body that would be a valid increment, so nothing but the method is wrong.
            request.Content = new StringContent("{\"by\":5}", Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, _ct);

        await response.AssertProblemAsync(405);
        Assert.Equal([allow], response.Content.Headers.Allow);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>The hub's connection endpoint takes GET (WebSockets, server-sent events, long polling), POST and DELETE (long polling).</summary>
    [Theory]
    [InlineData("PUT", "api?id=x")]
    [InlineData("PATCH", "api?id=x")]
    [InlineData("PUT", "api/?id=x")]
    [InlineData("OPTIONS", "api?id=x")]
    [InlineData("PUT", "api")]
    public async Task A_method_the_hub_s_connection_endpoint_does_not_take_is_a_405_problem_with_allow(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await _http.SendAsync(request, _ct);

        await response.AssertProblemAsync(405);
        Assert.Equal(["GET", "POST", "DELETE"], response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("/" + Counter)]
    [InlineData("/" + Counter + "/increment")]
    public async Task HEAD_is_a_405_with_the_problem_type_and_no_body(string path)
    {
        var seed = await SeededCounter.SeedAsync(_http, "methods");

        var response = await RawHttp.SendAsync(server.BaseAddress, "HEAD", path);

        Assert.Equal(405, response.Status);
        Assert.Equal(path.EndsWith("/increment", StringComparison.Ordinal) ? "POST" : "GET", response.Headers["Allow"]);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Empty(response.Body);
        await seed.AssertUnchangedAsync();
    }

    public void Dispose() => _http.Dispose();
}
