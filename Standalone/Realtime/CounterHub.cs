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
