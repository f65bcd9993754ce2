using System.Text;
using LiveCounter.Standalone.Tests.Infrastructure;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>Every route with every method it does not take: a 405 problem, and the counter untouched.</summary>
public sealed class WrongMethodTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string Counter = "api/counters/methods";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("POST", Counter)]
    [InlineData("PUT", Counter)]
    [InlineData("PATCH", Counter)]
    [InlineData("DELETE", Counter)]
    [InlineData("OPTIONS", Counter)]
    [InlineData("TRACE", Counter)]
    [InlineData("GET", Counter + "/increment")]
    [InlineData("PUT", Counter + "/increment")]
    [InlineData("PATCH", Counter + "/increment")]
    [InlineData("DELETE", Counter + "/increment")]
    [InlineData("BREW", Counter + "/increment")]
    [InlineData("GET", Counter + "/subscriptions")]
    [InlineData("PUT", Counter + "/subscriptions")]
    [InlineData("DELETE", Counter + "/subscriptions")]
    [InlineData("GET", Counter + "/subscriptions/abc")]
    [InlineData("POST", Counter + "/subscriptions/abc")]
    [InlineData("PUT", Counter + "/subscriptions/abc")]
    [InlineData("GET", "api/negotiate")]
    [InlineData("PUT", "api/negotiate")]
    [InlineData("DELETE", "api/negotiate")]
    public async Task A_method_the_route_does_not_take_is_a_405_problem_and_writes_nothing(string method, string path)
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
        await seed.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData("/" + Counter)]
    [InlineData("/" + Counter + "/increment")]
    public async Task HEAD_is_a_405_with_the_problem_type_and_no_body(string path)
    {
        var seed = await SeededCounter.SeedAsync(_http, "methods");

        var response = await RawHttp.SendAsync(server.BaseAddress, "HEAD", path);

        Assert.Equal(405, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Empty(response.Body);
        await seed.AssertUnchangedAsync();
    }

    public void Dispose() => _http.Dispose();
}
