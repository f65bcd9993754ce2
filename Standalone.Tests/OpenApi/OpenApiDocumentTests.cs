using System.Text.Json;
using System.Text.Json.Nodes;
using LiveCounter.Problems;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LiveCounter.Standalone.Tests.OpenApi;

/// <summary>The API describes itself at /openapi/v1.json, and docs/openapi.json is that same document, committed.</summary>
public sealed class OpenApiDocumentTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>
{
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    async Task<string> ServedAsync()
    {
        using var http = server.CreateHttpClient();
        return await http.GetStringAsync("openapi/v1.json", _ct);
    }

    [Fact]
    public async Task The_served_document_is_valid_openapi_3()
    {
        var read = OpenApiDocument.Parse(await ServedAsync(), "json", new OpenApiReaderSettings());

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.StartsWith("3.", read.Diagnostic.SpecificationVersion.ToString().Replace("OpenApi", string.Empty, StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    /// <summary>design.md's routes, each with its success and every problem status it answers (500 on any of them).</summary>
    [Theory]
    [InlineData("/api/negotiate", "post", "200 400 405 500")]
    [InlineData("/api/counters/{name}", "get", "200 400 500 503")]
    [InlineData("/api/counters/{name}/increment", "post", "200 400 413 422 500 503 507")]
    [InlineData("/api/counters/{name}/subscriptions", "post", "204 400 404 413 429 500 503")]
    [InlineData("/api/counters/{name}/subscriptions/{connectionId}", "delete", "204 400 500 503")]
    public async Task Every_route_of_the_design_is_described_with_its_statuses_and_its_problems_as_problem_json(string path, string method, string statuses)
    {
        var document = JsonNode.Parse(await ServedAsync())!;

        var operation = document["paths"]![path]![method]!.AsObject();
        var responses = operation["responses"]!.AsObject();
        Assert.Equal(statuses.Split(' '), responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var (status, response) in responses.Where(r => (r.Key.StartsWith('4') || r.Key.StartsWith('5')) && !IsFunctionsHostAnswer(path, r.Key)))
        {
            Assert.Equal("#/components/schemas/Problem", response!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        }
    }

    /// <summary>The one error the document lists without a problem body: the Functions host answers it before our code runs.</summary>
    static bool IsFunctionsHostAnswer(string path, string status) => (path, status) is ("/api/negotiate", "500");

    [Fact]
    public async Task Negotiate_s_500_is_the_functions_host_s_empty_answer_to_a_missing_visitor_id()
    {
        var failed = JsonNode.Parse(await ServedAsync())!["paths"]!["/api/negotiate"]!["post"]!["responses"]!["500"]!;

        Assert.Null(failed["content"]);
        Assert.Equal("Functions: the host's own answer when visitorId is missing (empty body); Standalone answers 400.", failed["description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/counters/{name}/subscriptions", "post")]
    [InlineData("/api/counters/{name}/subscriptions/{connectionId}", "delete")]
    public async Task A_subscription_s_500_also_describes_the_functions_host_s_empty_answer_for_a_connection_the_service_does_not_know(string path, string method)
    {
        var failed = JsonNode.Parse(await ServedAsync())!["paths"]![path]![method]!["responses"]!["500"]!;

        Assert.Contains("Functions: also a connection that Azure SignalR Service does not know", failed["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("empty body", failed["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(failed["content"]![Problem.ContentType]);
    }

    [Fact]
    public async Task The_document_has_only_the_routes_of_the_design()
    {
        var document = JsonNode.Parse(await ServedAsync())!;

        Assert.Equal(
            ["/api/counters/{name}", "/api/counters/{name}/increment", "/api/counters/{name}/subscriptions", "/api/counters/{name}/subscriptions/{connectionId}", "/api/negotiate"],
            document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_increment_describes_its_headers_its_optional_body_and_the_replay_header()
    {
        var increment = JsonNode.Parse(await ServedAsync())!["paths"]!["/api/counters/{name}/increment"]!["post"]!;

        Assert.Equal(["name", "Idempotency-Key", "X-Visitor-Id"], increment["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.False(increment["requestBody"]!["required"]?.GetValue<bool>() ?? false);
        Assert.Equal(1000, increment["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["by"]!["maximum"]!.GetValue<int>());
        Assert.NotNull(increment["responses"]!["200"]!["headers"]!["Idempotent-Replayed"]);
    }

    /// <summary>
    /// Every build writes docs/openapi.json from these handlers, except in CI (CI=true), which leaves the committed file
    /// alone: there this fails when someone changed the API and did not commit the regenerated document.
    /// </summary>
    [Fact]
    public async Task Docs_openapi_json_is_the_document_the_api_serves()
    {
        var committed = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "openapi.json"), _ct);

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(committed), JsonNode.Parse(await ServedAsync())),
            "docs/openapi.json is stale: build Standalone (outside CI) to regenerate it, and commit it.");
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LiveCounter.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (LiveCounter.slnx) was not found above the test's directory.");
    }
}
