using LiveCounter.Problems;

namespace LiveCounter.Api.Routing;

/// <summary>The problems for a request no route takes, worded once so that both hosts answer them alike.</summary>
public static class RouteProblems
{
    public static Problem NotFound { get; } =
        Problem.NotFound("There is nothing at this address. The API lives under /api; see the README for its routes.");

    public static Problem MethodNotAllowed(string method) => Problem.MethodNotAllowed($"{method} is not allowed here.");
}
