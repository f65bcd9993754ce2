using System.Net.Http.Json;
using System.Text.Json;
using LiveCounter.Standalone.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>Subscriptions for connections that do not exist, and connection ids that cannot exist.</summary>
public sealed class MadeUpConnectionTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    const string TooLong = "a12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678";

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>
    /// Each is well-formed, so the server waits out its grace period (≤ 3 s) for the connection to register before it
    /// answers 404; the ids are tried together so the suite pays that wait once.
    /// </summary>
    [Fact]
    public async Task A_well_formed_connection_id_the_hub_never_saw_is_a_404_problem_after_the_grace_period()
    {
        var seed = await SeededCounter.SeedAsync(_http, "made-up");
        var negotiated = await NegotiateAsync();
        string[] madeUp =
        [
            "made-up-connection-id",
            "AAAAAAAAAAAAAAAAAAAAAA", // the shape of an ASP.NET Core id
            TooLong[1..], // 128 characters, the longest allowed
            negotiated.GetProperty("connectionId").GetString()!, // negotiated, but never connected
            negotiated.GetProperty("connectionToken").GetString()!, // the secret token instead of the id
        ];

        var answers = await Task.WhenAll(madeUp.Select(id => _http.SubscribeAsync(seed.Name, id, _ct)));

        foreach (var answer in answers)
        {
            using (answer)
            {
                await answer.AssertProblemAsync(404);
            }
        }

        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// Subscriptions for made-up ids whose clients hang up during the grace period: each one's wait ends with its
    /// request, and the registry is left as it was, long before any grace period could have run out.
    /// </summary>
    [Fact]
    public async Task A_stream_of_aborted_subscriptions_leaves_the_registry_as_it_was()
    {
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        var before = registry.Count;

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            using var client = server.CreateHttpClient();
            using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SubscribeAsync("aborted", $"made-up-{i}-{Guid.NewGuid():N}", hangUp.Token));
        }));

        var deadline = DateTime.UtcNow + ConnectionRegistry.Grace - TimeSpan.FromMilliseconds(500);
        while (registry.Count > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, _ct);
        }

        Assert.Equal(before, registry.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData(TooLong)]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a+b")]
    [InlineData("a:b")]
    [InlineData("a\u0000b")]
    [InlineData("\u0430bc")] // Cyrillic а
    [InlineData("abc\n")]
    public async Task A_malformed_connection_id_is_a_400_problem_at_once(string connectionId)
    {
        var seed = await SeededCounter.SeedAsync(_http, "malformed");

        using var response = await _http.SubscribeAsync(seed.Name, connectionId, _ct);

        await response.AssertProblemAsync(400);
        await seed.AssertUnchangedAsync();
    }

    [Theory]
    [InlineData("a%2Fb")]
    [InlineData("a%252Fb")]
    [InlineData("a%20b")]
    [InlineData("a+b")]
    [InlineData("%D0%B0bc")]
    [InlineData("a%C0%AFb")] // an overlong UTF-8 slash
    [InlineData(TooLong)]
    public async Task Unsubscribing_a_malformed_connection_id_is_a_400_problem(string connectionId)
    {
        var seed = await SeededCounter.SeedAsync(_http, "unsubscribe");

        var response = await RawHttp.SendAsync(server.BaseAddress, "DELETE", $"/api/counters/{seed.Name}/subscriptions/{connectionId}");

        response.AssertProblem(400);
        await seed.AssertUnchangedAsync();
    }

    /// <summary>
    /// A made-up token on the hub's own transport endpoints is answered by SignalR, not by the API: a 404 in plain
    /// text ("No Connection with that ID"), which HubRequestGuard passes through. A client error and no HTML, but
    /// not problem+json.
    /// </summary>
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task The_hub_answers_a_made_up_connection_token_with_its_own_404(string method)
    {
        var response = await RawHttp.SendAsync(server.BaseAddress, method, "/api?id=made-up-token", method == "POST" ? "{}"u8.ToArray() : null);

        Assert.Equal(404, response.Status);
        response.AssertClientErrorWithoutHtml();
    }

    async Task<JsonElement> NegotiateAsync()
    {
        using var response = await _http.PostAsync($"api/negotiate?negotiateVersion=1&visitorId={Guid.NewGuid():D}", content: null, _ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
    }

    public void Dispose() => _http.Dispose();
}
