using LiveCounter.Api.Http;
using LiveCounter.Api.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Routing;

/// <summary>
/// Every request below <c>/api</c> that no other function took: a 404 problem at a path the route table does not
/// have, a 405 problem with <c>Allow</c> at one it has, instead of the host's own 404 with an empty body.
/// </summary>
/// <remarks>
/// It takes every path and method, so it must be tried after every other route, and the Functions host has no route
/// precedence: it maps the HTTP functions, ordered by name (ordinal, ignoring case), into one ASP.NET Core
/// <c>RouteCollection</c>, which takes the first match (host 4.1037: <c>FunctionMetadataManager.LoadFunctionMetadata</c>,
/// <c>WebScriptHostHttpRoutesManager</c>; <c>WebJobsRouteBuilder.Build</c> in azure-webjobs-sdk-extensions). So it is
/// last only because its name sorts after every other function's, which Functions.Tests holds; ordering routes by
/// template is asked for in Azure/azure-functions-host#3153.
/// </remarks>
public static class WrongRouteOrMethodFunction
{
    public const string Name = "WrongRouteOrMethod";

    [Function(Name)]
    public static Results<ProblemResult, MethodNotAllowedResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = "{*path}")] HttpRequest request, string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        return UnmatchedRequestHandler.Handle(request.Method, path);
    }
}
