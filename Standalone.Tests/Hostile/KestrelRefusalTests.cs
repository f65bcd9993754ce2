using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Requests Kestrel rejects while it parses the request line and headers. They never reach the app: Kestrel's
/// HttpProtocol.ProcessRequestsAsync catches the BadHttpRequestException its parser throws before it creates the
/// HttpContext, and TryProduceInvalidRequestResponse writes the status with Content-Length: 0 and Connection: close.
/// No middleware runs (no exception handler, no status code pages, not even the request log), and Kestrel offers no
/// hook for that response's body, so it cannot be problem+json. What is guaranteed, and tested: the documented
/// status, no body (so never an HTML page), the connection closed, and nothing written.
/// </summary>
/// <remarks>Every request is an otherwise valid increment of the seeded counter, so a request that got through would show.</remarks>
public sealed class KestrelRefusalTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string Seed = "kestrel";
    const string Target = "/api/counters/" + Seed + "/increment";
    const string Body = "{\"by\":5}";

    readonly HttpClient _http = server.CreateHttpClient();

    public static TheoryData<string, string, int> Refused => new()
    {
        { "a raw byte that is not UTF-8 in the path", Increment(target: "/api/counters/kestrel\u00FF/increment"), 400 },
        { "raw UTF-8 in the path", Increment(target: "/api/counters/k\u00D0\u00B0strel/increment"), 400 },
        { "a percent-encoded NUL in the path", Increment(target: "/api/counters/kestrel%00/increment"), 400 },
        { "a raw space in the path", Increment(target: "/api/counters/kes trel/increment"), 400 },
        { "a request line over 8 KiB", Increment(target: Target + "?" + new string('a', 9 * 1024)), 414 },
        { "headers over 32 KiB", Increment(headers: "X-Padding: " + new string('a', 40 * 1024) + "\r\n"), 431 },
        { "more than 100 headers", Increment(headers: string.Concat(Enumerable.Range(0, 101).Select(i => $"X-Header-{i}: a\r\n"))), 431 },
        { "an idempotency key with a byte that is not UTF-8", Increment(headers: "Idempotency-Key: key\u00FF\r\n"), 400 },
        { "a visitor id with a byte that is not UTF-8", Increment(headers: "X-Visitor-Id: \u00E9\r\n"), 400 },
        { "a bare CR inside a header value", Increment(headers: "Idempotency-Key: a\rb\r\n"), 400 },
        { "a folded header line", Increment(headers: "Idempotency-Key: a\r\n b\r\n"), 400 },
        { "a header line without a colon", Increment(headers: "Idempotency-Key\r\n"), 400 },
        { "a space before a header's colon", Increment(headers: "Idempotency-Key : a\r\n"), 400 },
        { "no Host header", Increment(host: null), 400 },
        { "two Host headers", Increment(headers: "Host: elsewhere\r\n"), 400 },
        { "an absolute target naming another host", Increment(target: "http://elsewhere" + Target), 400 },
        { "a Content-Length that is not a number", Increment(contentLength: "eight"), 400 },
        { "a negative Content-Length", Increment(contentLength: "-1"), 400 },
        { "a Content-Length past Int64", Increment(contentLength: "99999999999999999999999"), 400 },
        { "two different Content-Lengths", Increment(contentLength: "8\r\nContent-Length: 9"), 400 },
        { "a Transfer-Encoding that is not chunked", Increment(headers: "Transfer-Encoding: gzip\r\n", contentLength: null), 400 },
        { "a line that is not a request line", "NOT HTTP AT ALL\r\n\r\n", 400 },
        { "an asterisk target with POST", Increment(target: "*"), 405 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_request_Kestrel_cannot_parse_is_refused_with_an_empty_4xx_and_writes_nothing(string what, string request, int status)
    {
        Assert.NotNull(what);
        var seed = await SeededCounter.SeedAsync(_http, Seed);

        var response = await RawHttp.SendAsync(server.BaseAddress, Encoding.Latin1.GetBytes(request));

        response.AssertRefusedByKestrel(status);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// The one 5xx a client can provoke, and it is Kestrel's, not the app's: a version other than HTTP/1.0 or 1.1 on
    /// a cleartext HTTP/1 connection is 505 HTTP Version Not Supported (RFC 9110 §15.6.6), again with no body.
    /// </summary>
    [Theory]
    [InlineData("HTTP/1.2")]
    [InlineData("HTTP/2.0")]
    [InlineData("HTTP/9.9")]
    public async Task An_unknown_HTTP_version_is_Kestrel_s_empty_505_and_writes_nothing(string version)
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);

        var response = await RawHttp.SendAsync(server.BaseAddress, Encoding.Latin1.GetBytes(Increment(version: version)));

        response.AssertRefusedByKestrel(505);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>Errors in the body come up while the app reads it, so they do reach the problem+json handling.</summary>
    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n", "zz\r\n{\"by\":5}\r\n0\r\n\r\n", 400)] // a chunk size that is not hex
    [InlineData("Transfer-Encoding: chunked\r\n", "8\r\n{\"by\":5}XX0\r\n\r\n", 400)] // no CRLF after the chunk
    [InlineData("Transfer-Encoding: chunked\r\n", "8\r\n{\"by\":5}\r\n0\r\nX-Trailer\r\n\r\n", 400)] // a trailer without a colon
    [InlineData("Expect: 100-continue\r\nContent-Length: 5000\r\n", "", 413)]
    public async Task A_malformed_body_framing_reaches_the_app_and_is_a_problem(string headers, string body, int status)
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);
        var request = $"POST {Target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n{body}";

        var response = await RawHttp.SendAsync(server.BaseAddress, Encoding.Latin1.GetBytes(request));

        response.AssertProblem(status);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// A body that stops arriving: Kestrel's minimum request body data rate (240 bytes/s after a 5 s grace) ends the
    /// read with a BadHttpRequestException, which the app answers as a 408 problem.
    /// </summary>
    [Fact]
    public async Task A_body_that_stops_arriving_is_a_408_problem_and_writes_nothing()
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);
        var request = $"POST {Target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{Body}";

        var response = await RawHttp.SendAsync(server.BaseAddress, Encoding.Latin1.GetBytes(request));

        response.AssertProblem(408);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// Kestrel reports a chunk size that overflows as an IOException ("Bad chunk size data") rather than a
    /// BadHttpRequestException; it is still the client's malformed request.
    /// </summary>
    [Fact]
    public async Task A_chunk_size_that_overflows_is_a_400_problem_and_writes_nothing()
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);
        var request = $"POST {Target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n";

        var response = await RawHttp.SendAsync(server.BaseAddress, Encoding.Latin1.GetBytes(request));

        response.AssertProblem(400);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>A valid increment of the seeded counter with one part replaced; every text is sent as Latin-1 bytes.</summary>
    static string Increment(
        string target = Target, string headers = "", string version = "HTTP/1.1", string? host = "localhost", string? contentLength = "8") =>
        $"POST {target} {version}\r\n"
        + (host is null ? "" : $"Host: {host}\r\n")
        + "Connection: close\r\n"
        + headers
        + (contentLength is null ? "" : $"Content-Length: {contentLength}\r\n")
        + "\r\n"
        + Body;

    public void Dispose() => _http.Dispose();
}
