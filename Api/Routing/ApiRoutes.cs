namespace LiveCounter.Api.Routing;

/// <summary>
/// The API's route table, below <c>/api</c>: the one list both hosts map their routes from (the templates are
/// constants so that the Functions attributes can name them), and what the answers to a wrong route or method are
/// decided by.
/// </summary>
public static class ApiRoutes
{
    /// <summary>The prefix of every route: Standalone's path, and the Functions host's <c>routePrefix</c> in host.json.</summary>
    public const string Prefix = "api";

    public const string Negotiate = "negotiate";

    public const string Counter = "counters/{name}";

    public const string Increment = "counters/{name}/increment";

    public const string Subscriptions = "counters/{name}/subscriptions";

    public const string Subscription = "counters/{name}/subscriptions/{connectionId}";

    public static ApiRoute NegotiateRoute { get; } = new(Negotiate, [HttpMethods.Post]);

    public static ApiRoute CounterRoute { get; } = new(Counter, [HttpMethods.Get]);

    public static ApiRoute IncrementRoute { get; } = new(Increment, [HttpMethods.Post]);

    public static ApiRoute SubscriptionsRoute { get; } = new(Subscriptions, [HttpMethods.Post]);

    public static ApiRoute SubscriptionRoute { get; } = new(Subscription, [HttpMethods.Delete]);

    public static IReadOnlyList<ApiRoute> All { get; } = [NegotiateRoute, CounterRoute, IncrementRoute, SubscriptionsRoute, SubscriptionRoute];

    /// <summary>
    /// The methods the API takes at a path below <c>/api</c> (<c>counters/demo</c>), with or without one trailing
    /// slash as both hosts route it; none when no route has that path.
    /// </summary>
    public static IReadOnlyList<string> MethodsAt(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return [];
        }

        var segments = (path.EndsWith('/') ? path[..^1] : path).Split('/');
        return [.. All.Where(route => route.Matches(segments)).SelectMany(route => route.Methods).Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
