using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using LiveCounter.Api.Http;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>
/// Increment bodies: anything but empty or <c>{"by": n}</c> with a whole n from 1 to 1000 is a 400 problem (413 past
/// 1 KiB) and leaves the counter exactly as it was. The body is read as JSON whatever its Content-Type says.
/// </summary>
public sealed class HostileIncrementBodyTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{\"by\":")]
    [InlineData("{\"by\":1,}")]
    [InlineData("{by:1}")]
    [InlineData("{'by':1}")]
    [InlineData("{\"by\":1/*comment*/}")]
    [InlineData("{\"by\":\"5\"}")]
    [InlineData("{\"by\":null}")]
    [InlineData("{\"by\":true}")]
    [InlineData("{\"by\":[1]}")]
    [InlineData("{\"by\":{\"by\":1}}")]
    [InlineData("{\"by\":0}")]
    [InlineData("{\"by\":-0}")]
    [InlineData("{\"by\":-1}")]
    [InlineData("{\"by\":1001}")]
    [InlineData("{\"by\":1.0}")]
    [InlineData("{\"by\":1.5}")]
    [InlineData("{\"by\":1e2}")]
    [InlineData("{\"by\":5.0e0}")]
    [InlineData("{\"by\":1e400}")]
    [InlineData("{\"by\":99999999999999999999}")]
    [InlineData("{\"by\":9223372036854775808}")]
    [InlineData("{\"by\":-9223372036854775809}")]
    [InlineData("{\"by\":2147483648}")]
    [InlineData("{\"by\":4294967297}")]
    [InlineData("{\"by\":NaN}")]
    [InlineData("{\"by\":Infinity}")]
    [InlineData("{\"by\":0x10}")]
    [InlineData("{\"by\":+5}")]
    [InlineData("{\"by\":05}")]
    [InlineData("{\"by\":1,\"by\":1}")]
    [InlineData("{\"by\":1,\"b\\u0079\":1}")] // the same member again, spelled with an escape
    [InlineData("{\"By\":5}")]
    [InlineData("{\"amount\":5}")]
    [InlineData("{\"by\":5,\"extra\":1}")]
    [InlineData("{\"by\":1}x")]
    [InlineData("{\"by\":1}{\"by\":1}")]
    [InlineData("{\"by\":1}\u0000")]
    [InlineData("\u0000")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("5")]
    [InlineData("\"by\"")]
    [InlineData("[]")]
    [InlineData("[{\"by\":1}]")]
    public async Task A_body_that_is_not_by_a_whole_number_from_1_to_1000_is_400_and_writes_nothing(string body)
    {
        var seed = await SeededCounter.SeedAsync(_http, "body");

        using var response = await _http.IncrementAsync(seed.Name, body, visitorId: SeededCounter.Visitor, cancellationToken: _ct);

        await response.AssertProblemAsync(400);
        await seed.AssertUnchangedAsync();
    }

    public static TheoryData<string, byte[]> MalformedBytes => new()
    {
        { "two UTF-8 byte order marks before valid JSON (one is ignored)", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{\"by\":2}"u8] },
        { "a UTF-8 byte order mark after valid JSON", [.. "{\"by\":2}"u8, 0xEF, 0xBB, 0xBF] },
        { "JSON encoded as UTF-16", Encoding.Unicode.GetBytes("{\"by\":2}") },
        { "a byte that is not UTF-8 after the object", [.. "{\"by\":2}"u8, 0xFF] },
        { "a byte that is not UTF-8 alone", [0xFF] },
        { "a byte that is not UTF-8 as the member name", [.. "{\""u8, 0xFF, .. "\":2}"u8] },
        { "an overlong UTF-8 slash in the member name", [.. "{\"by"u8, 0xC0, 0xAF, .. "\":2}"u8] },
        { "a byte that is not UTF-8 as the value", [.. "{\"by\":\""u8, 0xFF, .. "\"}"u8] },
        { "arrays nested 500 deep", Encoding.ASCII.GetBytes(new string('[', 500) + new string(']', 500)) },
        { "objects nested 150 deep under by", Encoding.ASCII.GetBytes("{\"by\":" + string.Concat(Enumerable.Repeat("{\"a\":", 150)) + "1" + new string('}', 151)) },
    };

    [Theory]
    [MemberData(nameof(MalformedBytes))]
    public async Task A_body_of_malformed_bytes_is_400_and_writes_nothing(string what, byte[] body)
    {
        Assert.NotNull(what);
        var seed = await SeededCounter.SeedAsync(_http, "bytes");

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/increment", JsonBytes(body), _ct);

        await response.AssertProblemAsync(400);
        await seed.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(64 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task A_body_over_one_kibibyte_is_413_and_writes_nothing(int length)
    {
        var seed = await SeededCounter.SeedAsync(_http, "big");

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/increment", JsonBytes(Padded("{\"by\":1}", length)), _ct);

        await response.AssertProblemAsync(413);
        await seed.AssertUnchangedAsync();
    }

    [Fact]
    public async Task A_body_of_exactly_one_kibibyte_is_read_in_full()
    {
        var seed = await SeededCounter.SeedAsync(_http, "limit");

        using var response = await _http.PostAsync($"api/counters/{seed.Name}/increment", JsonBytes(Padded("{\"by\":4}", 1024)), _ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(seed.Before.Value + 4, (await _http.GetCounterAsync(seed.Name, _ct)).Value);
    }

    /// <summary>What the contract allows, including the edges a hostile client might hope to slip through.</summary>
    [Theory]
    [InlineData(null, null, 1)] // no body at all
    [InlineData("", "application/json", 1)] // an empty body, even one labelled JSON: by defaults to 1
    [InlineData(" \r\n\t", "application/json", 1)]
    [InlineData("{}", "application/json", 1)]
    [InlineData("{\"by\":1000}", "application/json", 1000)]
    [InlineData("{\"b\\u0079\":2}", "application/json", 2)] // an escaped member name is still "by"
    [InlineData("{\"by\":3}", "text/plain", 3)] // the body is JSON whatever the Content-Type says
    [InlineData("{\"by\":3}", "application/xml", 3)]
    [InlineData("{\"by\":3}", "application/x-www-form-urlencoded", 3)]
    [InlineData("{\"by\":3}", null, 3)]
    public async Task A_body_the_contract_allows_is_applied_whatever_its_content_type(string? body, string? contentType, int by)
    {
        var seed = await SeededCounter.SeedAsync(_http, "allowed");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/counters/{seed.Name}/increment");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        }

        using var response = await _http.SendAsync(request, _ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var applied = (await response.Content.ReadFromJsonAsync<IncrementView>(ApiJson.Options, _ct))!;
        Assert.Equal((by, seed.Before.Value + by, seed.Before.Version + 1), (applied.By, applied.Value, applied.Version));
    }

    static ByteArrayContent JsonBytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Valid JSON made exactly <paramref name="length"/> bytes long with trailing spaces.</summary>
    static byte[] Padded(string json, int length) => Encoding.ASCII.GetBytes(json.PadRight(length));

    public void Dispose() => _http.Dispose();
}
