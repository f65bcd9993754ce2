using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Idempotency keys and visitor ids, in the increment's headers and the negotiate query. The requests are written by
/// hand so that every byte is what the test says, not what HttpClient would let through.
/// </summary>
public sealed class HostileHeaderTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string Key65 = "k1234567890123456789012345678901234567890123456789012345678901234";
    const string Alice = "3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a";

    readonly HttpClient _http = server.CreateHttpClient();

    [Theory]
    [InlineData("Idempotency-Key: ")]
    [InlineData("Idempotency-Key: " + Key65)]
    [InlineData("Idempotency-Key: has space")]
    [InlineData("Idempotency-Key: key/1")]
    [InlineData("Idempotency-Key: key.1")]
    [InlineData("Idempotency-Key: key+1")]
    [InlineData("Idempotency-Key: key%41")]
    [InlineData("Idempotency-Key: \"key\"")]
    [InlineData("Idempotency-Key: \u00C3\u00A9")] // the UTF-8 bytes of é, which Kestrel decodes and passes on
    [InlineData("Idempotency-Key: a", "Idempotency-Key: b")] // two keys are read as "a,b"
    [InlineData("X-Visitor-Id: ")]
    [InlineData("X-Visitor-Id: not-a-uuid")]
    [InlineData("X-Visitor-Id: 3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A")]
    [InlineData("X-Visitor-Id: {" + Alice + "}")]
    [InlineData("X-Visitor-Id: urn:uuid:" + Alice)]
    [InlineData("X-Visitor-Id: 3f2c9a1e5d4b4c3a9b2a1e0f9d8c7b6a")]
    [InlineData("X-Visitor-Id: " + Alice + "0")]
    [InlineData("X-Visitor-Id: 00000000-0000-0000-0000-000000000000")]
    [InlineData("X-Visitor-Id: ffffffff-ffff-ffff-ffff-ffffffffffff")]
    [InlineData("X-Visitor-Id: 3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6\u00C3\u00A9")]
    [InlineData("X-Visitor-Id: " + Alice, "X-Visitor-Id: " + Alice)] // the same id twice is read as "id,id"
    public async Task A_bad_idempotency_key_or_visitor_id_is_400_and_writes_nothing(string header, string? another = null)
    {
        var seed = await SeededCounter.SeedAsync(_http, "header");
        string[] headers = another is null ? [header] : [header, another];

        var response = await RawHttp.SendAsync(server.BaseAddress, "POST", $"/api/counters/{seed.Name}/increment", Json("{\"by\":5}"), headers);

        response.AssertProblem(400);
        await seed.AssertUnchangedAsync();
    }

    [Fact]
    public async Task The_longest_idempotency_key_and_a_canonical_visitor_id_are_accepted()
    {
        var seed = await SeededCounter.SeedAsync(_http, "header-ok");

        var response = await RawHttp.SendAsync(
            server.BaseAddress, "POST", $"/api/counters/{seed.Name}/increment", Json("{\"by\":5}"), $"Idempotency-Key: {Key65[1..]}", $"X-Visitor-Id: {Alice}");

        Assert.Equal(200, response.Status);
        Assert.Equal(seed.Before.Version + 1, (await _http.GetCounterAsync(seed.Name, TestContext.Current.CancellationToken)).Version);
    }

    [Theory]
    [InlineData("visitorId=")]
    [InlineData("visitorId=not-a-uuid")]
    [InlineData("visitorId=3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A")]
    [InlineData("visitorId=%7B" + Alice + "%7D")]
    [InlineData("visitorId=00000000-0000-0000-0000-000000000000")]
    [InlineData("visitorId=" + Alice + "%00")]
    [InlineData("visitorId=" + Alice + "%20")]
    [InlineData("visitorId=%D0%B0" + "f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a")]
    [InlineData("visitorId=" + Alice + "&visitorId=" + Alice)]
    public async Task Negotiate_and_the_hub_refuse_a_malformed_visitor_id_with_a_400_problem(string query)
    {
        var negotiate = await RawHttp.SendAsync(server.BaseAddress, "POST", $"/api/negotiate?negotiateVersion=1&{query}");
        var connect = await RawHttp.SendAsync(server.BaseAddress, "GET", $"/api?id=made-up-token&{query}");

        var problem = negotiate.AssertProblem(400);
        Assert.Contains("visitorId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        connect.AssertProblem(400);
    }

    /// <summary>
    /// A malformed <c>negotiateVersion</c> is answered by SignalR itself, in its negotiate protocol: 200 with an
    /// <c>error</c> member and no connection. Not a problem+json, but no connection and no 5xx either.
    /// </summary>
    [Fact]
    public async Task Negotiate_answers_a_malformed_protocol_version_with_a_400_problem_and_no_connection()
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, "POST", $"/api/negotiate?negotiateVersion=abc&visitorId={Alice}");

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.DoesNotContain("connectionId", response.BodyText, StringComparison.Ordinal);
    }

    static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose() => _http.Dispose();
}
