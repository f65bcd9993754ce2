using System.Text.Json;
using LiveCounter.Api.Http;
using LiveCounter.Api.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCounter.Standalone.Tests.Routing;

/// <summary>
/// The route table and what it answers a request no route took: what the Functions catch-all says, decided here
/// without a host.
/// </summary>
public sealed class ApiRoutesTests
{
    [Theory]
    [InlineData("negotiate", "POST")]
    [InlineData("counters/demo", "GET")]
    [InlineData("counters/demo/increment", "POST")]
    [InlineData("counters/demo/subscriptions", "POST")]
    [InlineData("counters/demo/subscriptions/abc", "DELETE")]
    public void Each_route_of_the_design_takes_exactly_its_method(string path, string method)
    {
        Assert.Equal([method], ApiRoutes.MethodsAt(path));
    }

    [Theory]
    [InlineData("negotiate/")]
    [InlineData("counters/demo/")]
    [InlineData("counters/demo/increment/")]
    [InlineData("counters/demo/subscriptions/")]
    [InlineData("counters/demo/subscriptions/abc/")]
    public void A_trailing_slash_is_the_same_route(string path)
    {
        Assert.Equal(ApiRoutes.MethodsAt(path.TrimEnd('/')), ApiRoutes.MethodsAt(path));
        Assert.NotEmpty(ApiRoutes.MethodsAt(path));
    }

    [Theory]
    [InlineData("NEGOTIATE", "POST")]
    [InlineData("Counters/demo/Increment", "POST")]
    public void Literals_match_whatever_their_case_as_both_hosts_route_them(string path, string method)
    {
        Assert.Equal([method], ApiRoutes.MethodsAt(path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("nope")]
    [InlineData("counters")]
    [InlineData("counters/")]
    [InlineData("counters//increment")]
    [InlineData("counters/demo/nope")]
    [InlineData("counters/demo/subscriptions/abc/extra")]
    [InlineData("negotiate//")]
    [InlineData("/negotiate")]
    [InlineData("negotiate/extra")]
    public void A_path_no_route_has_takes_no_method(string? path)
    {
        Assert.Empty(ApiRoutes.MethodsAt(path));
    }

    [Fact]
    public void The_table_has_the_routes_of_the_design_and_no_other()
    {
        Assert.Equal(
            [("negotiate", "POST"), ("counters/{name}", "GET"), ("counters/{name}/increment", "POST"), ("counters/{name}/subscriptions", "POST"), ("counters/{name}/subscriptions/{connectionId}", "DELETE")],
            ApiRoutes.All.Select(route => (route.Template, string.Join(',', route.Methods))));
    }

    [Theory]
    [InlineData("GET", "nope")]
    [InlineData("POST", "counters/demo/nope")]
    [InlineData("GET", null)]
    public void An_unknown_path_is_a_404_problem(string method, string? path)
    {
        var result = Assert.IsType<ProblemResult>(UnmatchedRequestHandler.Handle(method, path).Result);

        Assert.Equal(404, result.StatusCode);
    }

    [Theory]
    [InlineData("GET", "negotiate", "POST")]
    [InlineData("PUT", "counters/demo", "GET")]
    [InlineData("HEAD", "counters/demo/", "GET")]
    [InlineData("BREW", "counters/demo/increment", "POST")]
    [InlineData("POST", "counters/demo/subscriptions/abc", "DELETE")]
    public void A_known_path_with_another_method_is_a_405_problem_that_allows_the_route_s_methods(string method, string path, string allow)
    {
        var result = Assert.IsType<MethodNotAllowedResult>(UnmatchedRequestHandler.Handle(method, path).Result);

        Assert.Equal(405, result.StatusCode);
        Assert.Equal([allow], result.Allow);
        Assert.Contains(method, result.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_the_route_takes_reaching_no_handler_is_our_fault_not_the_request_s()
    {
        var result = Assert.IsType<ProblemResult>(UnmatchedRequestHandler.Handle("post", "negotiate").Result);

        Assert.Equal(500, result.StatusCode);
    }

    [Fact]
    public async Task The_405_is_written_as_problem_json_with_allow()
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
            Response = { Body = new MemoryStream() },
        };

        await UnmatchedRequestHandler.Handle("GET", "negotiate").Result.ExecuteAsync(context);

        context.Response.Body.Position = 0;
        var problem = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal((405, "POST", "application/problem+json"), (context.Response.StatusCode, context.Response.Headers.Allow.ToString(), context.Response.ContentType));
        Assert.Equal(405, problem.GetProperty("status").GetInt32());
    }
}
