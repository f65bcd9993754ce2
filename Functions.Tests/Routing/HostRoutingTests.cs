using System.Text.Json;
using LiveCounter.Api.Routing;
using LiveCounter.Functions.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveCounter.Functions.Tests.Routing;

/// <summary>
/// Which function the Functions host hands a request to, and what it answers, without a host: the worker's own
/// metadata (what the host indexes) routed the way the host's sources route it (see
/// <see cref="WrongRouteOrMethodFunction"/>): the functions ordered by name, ordinal ignoring case; one ASP.NET Core
/// route each, <c>api/</c> + its route, with a method constraint only where the trigger lists methods; the first
/// route that matches takes the request.
/// </summary>
/// <remarks>A model of the host, so it says nothing of what the host does beyond those facts.</remarks>
public sealed class HostRoutingTests
{
    const string FunctionToken = "function";

    static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddRouting().BuildServiceProvider();

    static readonly RouteCollection Routes = Build();

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    static RouteCollection Build()
    {
        var metadata = new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(AppContext.BaseDirectory).GetAwaiter().GetResult();
        var resolver = new DefaultInlineConstraintResolver(Options.Create(new RouteOptions()), Services);
        var routes = new RouteCollection();
        foreach (var function in metadata.OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase))
        {
            var trigger = function.RawBindings!.Select(raw => JsonDocument.Parse(raw).RootElement)
                .SingleOrDefault(binding => binding.GetProperty("type").GetString() == "httpTrigger");
            if (trigger.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            var constraints = new Dictionary<string, object>();
            if (trigger.TryGetProperty("methods", out var methods))
            {
                constraints["httpMethod"] = new HttpMethodRouteConstraint([.. methods.EnumerateArray().Select(m => m.GetString()!)]);
            }

            routes.Add(new Route(
                new RouteHandler(_ => Task.CompletedTask),
                function.Name,
                ApiRoutes.Prefix + "/" + trigger.GetProperty("route").GetString(),
                defaults: null,
                constraints,
                new RouteValueDictionary { [FunctionToken] = function.Name },
                resolver));
        }

        return routes;
    }

    /// <summary>The function the request reaches, and the catch-all's route value, which the host binds to <c>path</c>.</summary>
    static async Task<(string? Function, string? Path, HttpContext Context)> RouteAsync(string method, string path)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = Services,
            Request = { Method = method, Path = path },
            Response = { Body = new MemoryStream() },
        };
        var routing = new RouteContext(context);
        await Routes.RouteAsync(routing);
        return routing.Handler is null
            ? (null, null, context)
            : ((string?)routing.RouteData.DataTokens[FunctionToken], routing.RouteData.Values["path"] as string, context);
    }

    [Theory]
    [InlineData("POST", "/api/negotiate", "negotiate")]
    [InlineData("GET", "/api/counters/demo", "GetCounter")]
    [InlineData("GET", "/api/counters/demo/", "GetCounter")]
    [InlineData("POST", "/api/counters/demo/increment", "IncrementCounter")]
    [InlineData("POST", "/api/counters/demo/subscriptions", "Subscribe")]
    [InlineData("DELETE", "/api/counters/demo/subscriptions/abc", "Unsubscribe")]
    public async Task A_route_with_its_method_reaches_its_own_function_not_the_catch_all(string method, string path, string function)
    {
        Assert.Equal(function, (await RouteAsync(method, path)).Function);
    }

    [Theory]
    [InlineData("GET", "/api/negotiate", 405, "POST")]
    [InlineData("GET", "/api/negotiate/", 405, "POST")]
    [InlineData("GET", "/API/Negotiate", 405, "POST")]
    [InlineData("PUT", "/api/counters/demo", 405, "GET")]
    [InlineData("HEAD", "/api/counters/demo", 405, "GET")]
    [InlineData("BREW", "/api/counters/demo/increment", 405, "POST")]
    [InlineData("GET", "/api/counters/demo/subscriptions", 405, "POST")]
    [InlineData("POST", "/api/counters/demo/subscriptions/abc/", 405, "DELETE")]
    [InlineData("GET", "/api/nope", 404, null)]
    [InlineData("POST", "/API/NOPE", 404, null)]
    [InlineData("GET", "/api/counters/demo/increment/extra", 404, null)]
    [InlineData("GET", "/api", 404, null)]
    public async Task A_wrong_route_or_method_reaches_the_catch_all_which_answers_a_problem(string method, string path, int status, string? allow)
    {
        var (function, catchAll, context) = await RouteAsync(method, path);
        Assert.Equal(WrongRouteOrMethodFunction.Name, function);

        await WrongRouteOrMethodFunction.Run(context.Request, catchAll).Result.ExecuteAsync(context);

        Assert.Equal((status, "application/problem+json"), (context.Response.StatusCode, context.Response.ContentType));
        Assert.Equal(allow ?? string.Empty, context.Response.Headers.Allow.ToString());
    }

    [Fact]
    public async Task Nothing_outside_the_prefix_reaches_any_function()
    {
        Assert.Null((await RouteAsync("GET", "/nope")).Function);
    }
}
