using System.Net.Http.Headers;
using System.Text;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Subscription bodies: anything but <c>{"connectionId": "…"}</c> with a well-formed id is a 400 problem at once
/// (413 past 1 KiB), never a wait for a connection, and no counter changes.
/// </summary>
public sealed class HostileSubscriptionBodyTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string TooLong = "a12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"abc\"")]
    [InlineData("{\"connectionId\":")]
    [InlineData("{\"connectionId\":null}")]
    [InlineData("{\"connectionId\":5}")]
    [InlineData("{\"connectionId\":true}")]
    [InlineData("{\"connectionId\":[\"abc\"]}")]
    [InlineData("{\"connectionId\":{\"connectionId\":\"abc\"}}")]
    [InlineData("{\"connectionId\":\"\"}")]
    [InlineData("{\"connectionId\":\"" + TooLong + "\"}")] // 129 characters
    [InlineData("{\"connectionId\":\"a/b\"}")]
    [InlineData("{\"connectionId\":\"a\\u002Fb\"}")] // the same slash, escaped
    [InlineData("{\"connectionId\":\"a b\"}")]
    [InlineData("{\"connectionId\":\"a+b\"}")]
    [InlineData("{\"connectionId\":\"a\\u0000b\"}")]
    [InlineData("{\"connectionId\":\"\\u0430bc\"}")] // Cyrillic а
    [InlineData("{\"connectionId\":\"\uFF41bc\"}")] // full-width ａ
    [InlineData("{\"connectionId\":\"../abc\"}")]
    [InlineData("{\"connectionId\":\"abc\",\"connectionId\":\"abc\"}")]
    [InlineData("{\"connectionid\":\"abc\"}")]
    [InlineData("{\"connectionId\":\"abc\",\"extra\":1}")]
    [InlineData("{\"connectionId\":\"abc\"}x")]
    [InlineData("{\"connectionId\":\"abc\"}{}")]
    public async Task A_subscription_body_that_is_not_one_well_formed_connection_id_is_400(string body)
    {
        var seed = await SeededCounter.SeedAsync(_http, "subscribe");

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/subscriptions", Json(Encoding.UTF8.GetBytes(body)), _ct);

        await response.AssertProblemAsync(400);
        await seed.AssertUnchangedAsync();
    }

    public static TheoryData<string, byte[]> MalformedBytes => new()
    {
        { "two UTF-8 byte order marks before valid JSON (one is ignored)", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{\"connectionId\":\"abc\"}"u8] },
        { "JSON encoded as UTF-16", Encoding.Unicode.GetBytes("{\"connectionId\":\"abc\"}") },
        { "a byte that is not UTF-8 in the id", [.. "{\"connectionId\":\"ab"u8, 0xFF, .. "\"}"u8] },
        { "an overlong UTF-8 slash in the id", [.. "{\"connectionId\":\"a"u8, 0xC0, 0xAF, .. "b\"}"u8] },
        { "a byte that is not UTF-8 after the object", [.. "{\"connectionId\":\"abc\"}"u8, 0xFF] },
        { "objects nested 150 deep", Encoding.ASCII.GetBytes("{\"connectionId\":" + string.Concat(Enumerable.Repeat("{\"a\":", 150)) + "1" + new string('}', 151)) },
    };

    [Theory]
    [MemberData(nameof(MalformedBytes))]
    public async Task A_subscription_body_of_malformed_bytes_is_400(string what, byte[] body)
    {
        Assert.NotNull(what);
        var seed = await SeededCounter.SeedAsync(_http, "subscribe-bytes");

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/subscriptions", Json(body), _ct);

        await response.AssertProblemAsync(400);
        await seed.AssertUnchangedAsync();
    }

    [Fact]
    public async Task A_subscription_body_over_one_kibibyte_is_413()
    {
        var seed = await SeededCounter.SeedAsync(_http, "subscribe-big");
        var body = Encoding.ASCII.GetBytes("{\"connectionId\":\"abc\"}".PadRight(1025));

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/subscriptions", Json(body), _ct);

        await response.AssertProblemAsync(413);
        await seed.AssertUnchangedAsync();
    }

    static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public void Dispose() => _http.Dispose();
}
