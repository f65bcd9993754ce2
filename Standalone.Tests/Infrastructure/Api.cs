using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LiveCounter.Api.Http;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>The HTTP API of the design, spelled as the tests use it.</summary>
public static class Api
{
    public static async Task<HttpResponseMessage> IncrementAsync(
        this HttpClient http, string name, string? body = null, string? key = null, string? visitorId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/counters/{name}/increment");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        if (visitorId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Visitor-Id", visitorId);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    public static async Task<IncrementView> IncrementOkAsync(
        this HttpClient http, string name, int by = 1, string? key = null, string? visitorId = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.IncrementAsync(name, $"{{\"by\":{by}}}", key, visitorId, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IncrementView>(ApiJson.Options, cancellationToken))!;
    }

    public static async Task<CounterView> GetCounterAsync(this HttpClient http, string name, CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<CounterView>($"api/counters/{name}", ApiJson.Options, cancellationToken))!;

    public static Task<HttpResponseMessage> SubscribeAsync(this HttpClient http, string name, string connectionId, CancellationToken cancellationToken = default) =>
        http.PostAsync($"api/counters/{name}/subscriptions", JsonContent.Create(new { connectionId }), cancellationToken);

    public static Task<HttpResponseMessage> UnsubscribeAsync(this HttpClient http, string name, string connectionId, CancellationToken cancellationToken = default) =>
        http.DeleteAsync($"api/counters/{name}/subscriptions/{connectionId}", cancellationToken);

    /// <summary>Asserts an RFC 9457 problem response with the given status, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return AssertProblemBody(text, status);
    }

    /// <summary>Asserts the body of an RFC 9457 problem with the given status: type, title, status and detail.</summary>
    public static JsonElement AssertProblemBody(string body, int status)
    {
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.StartsWith("https://", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        return problem;
    }
}
