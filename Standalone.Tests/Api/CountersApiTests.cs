using System.Net.Http.Json;
using System.Text;
using LiveCounter.Api.Http;

namespace LiveCounter.Standalone.Tests.Api;

/// <summary>The API of the design over real HTTP, on each store (the classes at the end pick the store).</summary>
public abstract class CountersApiTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : LiveCounterServer
{
    const string Alice = "3f2c9a1e-5d4b-4c3a-9b2a-1e0f9d8c7b6a";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task A_counter_never_incremented_reads_as_zero_with_no_update_time()
    {
        var name = Unique("fresh");

        var body = await _http.GetStringAsync($"api/counters/{name}", _ct);

        Assert.Equal($"{{\"name\":\"{name}\",\"value\":0,\"version\":0,\"updatedAt\":null,\"lanes\":{{}}}}", body);
    }

    [Fact]
    public async Task Names_are_case_insensitive_and_answered_lower_case()
    {
        var name = Unique("case");
        await _http.IncrementOkAsync(name.ToUpperInvariant(), cancellationToken: _ct);

        var counter = await _http.GetCounterAsync(name, _ct);

        Assert.Equal((name, 1L, 1L), (counter.Name, counter.Value, counter.Version));
    }

    [Fact]
    public async Task An_increment_without_a_body_adds_one_and_has_no_visitor_total()
    {
        var name = Unique("plain");

        using var response = await _http.IncrementAsync(name, cancellationToken: _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("yourTotal", text, StringComparison.Ordinal);
        var view = System.Text.Json.JsonSerializer.Deserialize<IncrementView>(text, ApiJson.Options)!;
        Assert.Equal((1L, 1L, 1), (view.Value, view.Version, view.By));
        Assert.NotNull(view.UpdatedAt);
    }

    [Fact]
    public async Task An_increment_with_a_visitor_returns_the_visitor_total()
    {
        var name = Unique("mine");
        await _http.IncrementOkAsync(name, by: 5, visitorId: Alice, cancellationToken: _ct);

        var second = await _http.IncrementOkAsync(name, by: 10, visitorId: Alice, cancellationToken: _ct);

        Assert.Equal((15L, 2L, 10, 15L), (second.Value, second.Version, second.By, second.YourTotal));
    }

    [Fact]
    public async Task A_replayed_key_returns_the_first_result_marked_replayed_and_increments_nothing()
    {
        var name = Unique("replay");
        using var first = await _http.IncrementAsync(name, "{\"by\":3}", key: "key-1", visitorId: Alice, cancellationToken: _ct);
        var firstBody = await first.Content.ReadAsStringAsync(_ct);

        using var again = await _http.IncrementAsync(name, "{\"by\":3}", key: "key-1", visitorId: Alice, cancellationToken: _ct);

        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync(_ct));
        Assert.Equal(3, (await _http.GetCounterAsync(name, _ct)).Value);
    }

    /// <summary>A page from another origin (the Static Web App, in Azure) may read the headers it acts on.</summary>
    [Fact]
    public async Task An_increment_s_answer_lets_a_page_from_another_origin_read_idempotent_replayed_and_retry_after()
    {
        using var answer = await _http.IncrementAsync(Unique("exposed"), cancellationToken: _ct);

        Assert.Equal(["Retry-After", "Idempotent-Replayed"], answer.Headers.GetValues("Access-Control-Expose-Headers").SelectMany(v => v.Split(", ")));
    }

    [Fact]
    public async Task The_same_key_with_another_by_is_422_and_writes_nothing()
    {
        var name = Unique("reuse");
        await _http.IncrementOkAsync(name, by: 3, key: "key-1", cancellationToken: _ct);

        using var response = await _http.IncrementAsync(name, "{\"by\":4}", key: "key-1", cancellationToken: _ct);

        await response.AssertProblemAsync(422);
        Assert.Equal(3, (await _http.GetCounterAsync(name, _ct)).Value);
    }

    [Theory]
    [InlineData("{\"by\":0}")]
    [InlineData("{\"by\":1001}")]
    [InlineData("{\"by\":\"5\"}")]
    [InlineData("{\"by\":")]
    [InlineData("{\"amount\":5}")]
    public async Task A_bad_body_is_400_and_writes_nothing(string body)
    {
        var name = Unique("body");

        using var response = await _http.IncrementAsync(name, body, cancellationToken: _ct);

        await response.AssertProblemAsync(400);
        Assert.Equal(0, (await _http.GetCounterAsync(name, _ct)).Version);
    }

    [Fact]
    public async Task A_body_over_one_kibibyte_is_413_whether_declared_or_chunked()
    {
        var name = Unique("big");
        var big = "{\"by\":1" + new string(' ', 1100) + "}";

        using var declared = await _http.IncrementAsync(name, big, cancellationToken: _ct);
        using var chunked = await _http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"api/counters/{name}/increment") { Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(big))) }, _ct);

        await declared.AssertProblemAsync(413);
        await chunked.AssertProblemAsync(413);
        Assert.Equal(0, (await _http.GetCounterAsync(name, _ct)).Version);
    }

    [Theory]
    [InlineData("Idempotency-Key", "")]
    [InlineData("Idempotency-Key", "has space")]
    [InlineData("Idempotency-Key", "0123456789012345678901234567890123456789012345678901234567890123456789")]
    [InlineData("X-Visitor-Id", "not-a-uuid")]
    [InlineData("X-Visitor-Id", "3F2C9A1E-5D4B-4C3A-9B2A-1E0F9D8C7B6A")]
    public async Task A_bad_header_is_400_and_writes_nothing(string header, string value)
    {
        var name = Unique("header");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/counters/{name}/increment");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _http.SendAsync(request, _ct);

        await response.AssertProblemAsync(400);
        Assert.Equal(0, (await _http.GetCounterAsync(name, _ct)).Version);
    }

    [Theory]
    [InlineData("GET", "api/counters/-bad")]
    [InlineData("GET", "api/counters/a_b")]
    [InlineData("POST", "api/counters/a_b/increment")]
    [InlineData("POST", "api/counters/a_b/subscriptions")]
    [InlineData("DELETE", "api/counters/a_b/subscriptions/abc")]
    [InlineData("DELETE", "api/counters/ok/subscriptions/a%20b")]
    public async Task A_bad_route_value_is_400(string method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), _ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_name_of_64_characters_is_400()
    {
        using var response = await _http.GetAsync($"api/counters/{new string('a', 64)}", _ct);

        await response.AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("GET", "api/nothing")]
    [InlineData("GET", "api/counters")]
    [InlineData("GET", "nothing/here")]
    [InlineData("POST", "api/counters/a/decrement")]
    public async Task An_unknown_route_is_a_404_problem(string method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), _ct);

        await response.AssertProblemAsync(404);
    }

    [Theory]
    [InlineData("PUT", "api/counters/a")]
    [InlineData("GET", "api/counters/a/increment")]
    [InlineData("DELETE", "api/counters/a")]
    [InlineData("GET", "api/negotiate")]
    public async Task A_wrong_method_is_a_405_problem(string method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), _ct);

        await response.AssertProblemAsync(405);
    }

    [Theory]
    [InlineData("{\"connectionId\":\"a/b\"}")]
    [InlineData("{\"connectionId\":5}")]
    [InlineData("{}")]
    [InlineData("not json")]
    public async Task A_malformed_subscription_is_400(string body)
    {
        using var response = await _http.PostAsync("api/counters/a/subscriptions", new StringContent(body, Encoding.UTF8, "application/json"), _ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_subscription_for_a_connection_never_seen_is_404_after_the_grace_period()
    {
        using var response = await _http.SubscribeAsync("a", "made-up-connection-id", _ct);

        await response.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Unsubscribing_an_unknown_connection_is_fine()
    {
        using var response = await _http.UnsubscribeAsync("a", "made-up-connection-id", _ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Negotiate_refuses_a_malformed_visitor_id()
    {
        using var response = await _http.PostAsync("api/negotiate?negotiateVersion=1&visitorId=nope", null, _ct);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("visitorId", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hub_address_without_a_client_is_a_400_problem()
    {
        using var response = await _http.GetAsync("api", _ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Negotiate_with_a_visitor_id_negotiates_a_connection()
    {
        using var response = await _http.PostAsync($"api/negotiate?negotiateVersion=1&visitorId={Alice}", null, _ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(_ct)).TryGetProperty("connectionId", out _));
    }

    [Fact]
    public async Task Negotiate_without_a_visitor_id_is_a_400_problem_that_says_it_is_required()
    {
        using var response = await _http.PostAsync("api/negotiate?negotiateVersion=1", null, _ct);

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("visitorId is required", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal); // plain ASCII, nothing JSON escapes
    }

    [Fact]
    public async Task A_json_body_after_a_utf8_byte_order_mark_is_read()
    {
        var name = Unique("bom");
        await using var connection = await server.ConnectAsync(Alice, _ct);
        byte[] bom = [0xEF, 0xBB, 0xBF];

        using var increment = await _http.PostAsync(
            $"api/counters/{name}/increment", new ByteArrayContent([.. bom, .. "{\"by\":4}"u8]) { Headers = { ContentType = new("application/json") } }, _ct);
        using var subscribe = await _http.PostAsync(
            $"api/counters/{name}/subscriptions",
            new ByteArrayContent([.. bom, .. Encoding.UTF8.GetBytes($"{{\"connectionId\":\"{connection.ConnectionId}\"}}")]) { Headers = { ContentType = new("application/json") } },
            _ct);

        Assert.Equal(HttpStatusCode.OK, increment.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, subscribe.StatusCode);
        Assert.Equal(4, (await _http.GetCounterAsync(name, _ct)).Value);
    }

    [Fact]
    public async Task The_hundred_and_first_counter_one_connection_subscribes_to_is_a_429_problem()
    {
        await using var connection = await server.ConnectAsync(Alice, _ct);
        var id = connection.ConnectionId!;
        var names = Enumerable.Range(0, 101).Select(i => $"{Unique("cap")}-{i}").ToArray();

        foreach (var name in names[..100])
        {
            using var accepted = await _http.SubscribeAsync(name, id, _ct);
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        using var refused = await _http.SubscribeAsync(names[100], id, _ct);
        using var again = await _http.SubscribeAsync(names[0], id, _ct);
        using var left = await _http.UnsubscribeAsync(names[1], id, _ct);
        using var admitted = await _http.SubscribeAsync(names[100], id, _ct);

        var problem = await refused.AssertProblemAsync(429);
        Assert.Contains("100 counters", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, admitted.StatusCode);
    }

    [Fact]
    public async Task Sixteen_parallel_clients_times_two_hundred_increments_end_exact()
    {
        var name = Unique("parallel");

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var client = server.CreateHttpClient();
            for (var i = 0; i < 200; i++)
            {
                using var response = await client.IncrementAsync(name, cancellationToken: _ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }));

        var counter = await _http.GetCounterAsync(name, _ct);
        Assert.Equal((3200L, 3200L), (counter.Value, counter.Version));
    }

    /// <summary>A stream of unknown length, so the client sends it chunked with no Content-Length.</summary>
    sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

public sealed class CountersApiOnTheInMemoryStore(LiveCounterServer server) : CountersApiTests<LiveCounterServer>(server);

public sealed class CountersApiOnTheTableStore(TableLiveCounterServer server) : CountersApiTests<TableLiveCounterServer>(server);
