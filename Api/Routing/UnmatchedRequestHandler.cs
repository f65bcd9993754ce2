using LiveCounter.Api.Http;
using LiveCounter.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Routing;

/// <summary>
/// A request that reached no route's handler, answered from the route table: 404 at a path no route has, 405 with
/// <c>Allow</c> at a route that takes other methods.
/// </summary>
public static class UnmatchedRequestHandler
{
    public static Results<ProblemResult, MethodNotAllowedResult> Handle(string method, string? path)
    {
        ArgumentNullException.ThrowIfNull(method);
        var allowed = ApiRoutes.MethodsAt(path);
        if (allowed.Count == 0)
        {
            return new ProblemResult(RouteProblems.NotFound);
        }

        // The method is one the route takes, so its own handler should have had the request: the host's routing and
        // the table disagree, which is a fault of ours, not of the request.
        if (allowed.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            return new ProblemResult(Problem.InternalError());
        }

        return new MethodNotAllowedResult(RouteProblems.MethodNotAllowed(method), allowed);
    }
}
