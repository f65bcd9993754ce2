namespace LiveCounter.Standalone.Realtime;

public static class CounterHubEndpoints
{
    /// <summary>The hub at /api, so that its negotiate endpoint is POST /api/negotiate as in the Functions app.</summary>
    public static IEndpointRouteBuilder MapCounterHub(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<CounterHub>(HubPath);
        return routes;
    }

    public const string HubPath = "/api";
}
