using System.Text;
using LiveCounter.Api.Routing;

namespace LiveCounter.Standalone.Tests.Routing;

/// <summary>
/// Standalone serves exactly the route table: every route takes its methods, and answers every other one with the
/// table's <c>Allow</c>, as the Functions catch-all does from the same table.
/// </summary>
public sealed class RouteTableTests(LiveCounterServer server) : IClassFixture<LiveCounterServer>, IDisposable
{
    static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    readonly HttpClient _http = server.CreateHttpClient();
    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public static TheoryData<string> Templates => [.. ApiRoutes.All.Select(route => route.Template)];

    static ApiRoute Route(string template) => ApiRoutes.All.Single(route => route.Template == template);

    static string PathOf(string template) =>
        ApiRoutes.Prefix + "/" + template.Replace("{name}", "route-table", StringComparison.Ordinal).Replace("{connectionId}", "abc", StringComparison.Ordinal);

    static HttpRequestMessage Request(string method, string template) => new(new HttpMethod(method), PathOf(template))
    {
        Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_method_the_table_does_not_give_a_route_is_a_405_with_the_table_s_allow(string template)
    {
        foreach (var method in Methods.Except(Route(template).Methods))
        {
            using var request = Request(method, template);
            using var response = await _http.SendAsync(request, _ct);

            await response.AssertProblemAsync(405);
            Assert.Equal(Route(template).Methods, response.Content.Headers.Allow);
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Every_method_the_table_gives_a_route_reaches_its_handler(string template)
    {
        foreach (var method in Route(template).Methods)
        {
            using var request = Request(method, template);
            using var response = await _http.SendAsync(request, _ct);

            Assert.NotEqual(404, (int)response.StatusCode);
            Assert.NotEqual(405, (int)response.StatusCode);
        }
    }

    public void Dispose() => _http.Dispose();
}
