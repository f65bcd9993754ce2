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
/// It takes every path and every method, so it must be tried after every other route, and the Functions host has no
/// route precedence to see to that. What its sources (host 4.1037, October 2024) show is an order of names:
/// <list type="bullet">
/// <item>Azure/azure-functions-host, <c>src/WebJobs.Script/Host/FunctionMetadataManager.cs</c>
/// (<c>LoadFunctionMetadata</c>): the functions are ordered by name, ordinal and ignoring case.</item>
/// <item>Azure/azure-functions-host, <c>src/WebJobs.Script.WebHost/WebScriptHostHttpRoutesManager.cs</c>: one route
/// per HTTP function, mapped in that order, with a method constraint only when the trigger has a method list (none
/// here: <c>src/WebJobs.Script/Binding/WebJobsCoreScriptBindingProvider.cs</c> reads an absent list as null, and an
/// empty one would be a constraint no method meets).</item>
/// <item>Azure/azure-webjobs-sdk-extensions, <c>src/WebJobs.Extensions.Http/Routing/WebJobsRouteBuilder.cs</c>
/// (<c>Build</c>): the routes go into one ASP.NET Core <c>RouteCollection</c> in that order, not sorted by
/// template, and a <c>RouteCollection</c> takes the first route whose template and constraints match.</item>
/// </list>
/// So this function is tried last only because its name sorts after every other function's (Functions.Tests holds
/// that); a route whose function's name sorted after it would never be reached. Ordering by template is asked for in
/// Azure/azure-functions-host#3153 and #9876 and proposed in Azure/azure-webjobs-sdk-extensions#842 (literal segments
/// before parameters, longer templates first), which would also leave a catch-all for last.
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
