using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// The hub clients only listen to, as they would to Azure SignalR Service in Serverless mode: subscriptions go
/// through the HTTP API, so both hosts behave the same for the pages.
/// </summary>
public sealed class CounterHub(ConnectionRegistry registry) : Hub
{
    public override Task OnConnectedAsync()
    {
        registry.Connected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        registry.Disconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }
}

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
