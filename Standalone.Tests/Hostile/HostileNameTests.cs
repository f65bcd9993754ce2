using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Names that are not counter names, on every route that takes one. They are sent byte for byte, because HttpClient
/// would resolve "..", and most of them imitate the seeded counter "kab": a look-alike must never reach it.
/// </summary>
public sealed class HostileNameTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string Seed = "kab";
    const string SixtyFourCharacters = Seed + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    readonly HttpClient _http = server.CreateHttpClient();

    /// <summary>The statuses are for GET, increment, subscribe and unsubscribe, in that order.</summary>
    [Theory]
    [InlineData(SixtyFourCharacters, 400, 400, 400, 400)]
    [InlineData("-kab", 400, 400, 400, 400)] // must start with a letter or digit
    [InlineData("kab_x", 400, 400, 400, 400)]
    [InlineData("kab%2Fx", 400, 400, 400, 400)] // %2F stays inside the segment: the name is "kab/x"
    [InlineData("kab%252Fx", 400, 400, 400, 400)] // decoded once only: the name is "kab%2Fx"
    [InlineData("x%2F..%2Fkab", 400, 400, 400, 400)]
    [InlineData("kab%5Cx", 400, 400, 400, 400)] // backslash, encoded
    [InlineData("kab\\x", 400, 400, 400, 400)] // backslash, raw
    [InlineData("k%D0%B0b", 400, 400, 400, 400)] // Cyrillic а (U+0430)
    [InlineData("%E2%84%AAab", 400, 400, 400, 400)] // Kelvin sign (U+212A), which lower-cases to an ASCII k
    [InlineData("k%EF%BD%81b", 400, 400, 400, 400)] // full-width ａ (U+FF41)
    [InlineData("kab%F0%9F%98%80", 400, 400, 400, 400)] // emoji
    [InlineData("kab%FF%FE", 400, 400, 400, 400)] // percent-encoded bytes that are not UTF-8
    [InlineData("k%20ab", 400, 400, 400, 400)]
    [InlineData("kab%20", 400, 400, 400, 400)]
    [InlineData("kab.", 400, 400, 400, 400)]
    [InlineData("kab%2E", 400, 400, 400, 400)]
    [InlineData("kab;x", 400, 400, 400, 400)]
    [InlineData("kab\u0001", 400, 400, 400, 400)] // a raw control character: Kestrel lets it through to the app
    [InlineData("kab\u007F", 400, 400, 400, 400)] // a raw DEL, likewise
    [InlineData("", 404, 404, 404, 404)] // an empty segment matches no route
    [InlineData("..", 400, 404, 404, 404)] // dot segments are removed: GET /api is the hub's address, the rest no route
    [InlineData("%2e%2e", 400, 404, 404, 404)] // Kestrel decodes %2e before it removes dot segments
    [InlineData(".", 404, 405, 405, 404)] // /api/counters/increment is a GET-only counter named "increment"
    public async Task A_name_that_is_not_a_counter_name_is_a_problem_on_every_route_and_writes_nothing(
        string name, int get, int increment, int subscribe, int unsubscribe)
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);

        var answers = await SendToEveryRouteAsync(name);

        answers[0].AssertProblem(get);
        answers[1].AssertProblem(increment);
        answers[2].AssertProblem(subscribe);
        answers[3].AssertProblem(unsubscribe);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// Kestrel rejects these while it parses the request line, before any middleware runs, so it answers with an
    /// empty 400 of its own (see KestrelRefusalTests for why that cannot be problem+json).
    /// </summary>
    [Theory]
    [InlineData("kab%00")] // a percent-encoded NUL
    [InlineData("k\u00D0\u00B0b")] // the raw UTF-8 bytes of the Cyrillic а
    [InlineData("kab\u00FF")] // a raw byte that is not UTF-8
    [InlineData("k ab")] // a raw space ends the request target early
    [InlineData("kab\u0000")] // a raw NUL
    public async Task A_name_Kestrel_cannot_parse_is_refused_before_the_app_on_every_route_and_writes_nothing(string name)
    {
        var seed = await SeededCounter.SeedAsync(_http, Seed);

        var answers = await SendToEveryRouteAsync(name);

        Assert.All(answers, answer => answer.AssertRefusedByKestrel(400));
        await seed.AssertUnchangedAsync();
    }

    /// <summary>An otherwise valid request to each route: only the name is wrong.</summary>
    async Task<RawResponse[]> SendToEveryRouteAsync(string name)
    {
        var counter = $"/api/counters/{name}";

        // The subscription names a made-up connection, so a name that got through would show as a 404 after the grace.
        return
        [
            await RawHttp.SendAsync(server.BaseAddress, "GET", counter),
            await RawHttp.SendAsync(server.BaseAddress, "POST", $"{counter}/increment", Json("{\"by\":5}"), $"X-Visitor-Id: {SeededCounter.Visitor}"),
            await RawHttp.SendAsync(server.BaseAddress, "POST", $"{counter}/subscriptions", Json("{\"connectionId\":\"made-up-connection-id\"}")),
            await RawHttp.SendAsync(server.BaseAddress, "DELETE", $"{counter}/subscriptions/made-up-connection-id"),
        ];
    }

    static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose() => _http.Dispose();
}
