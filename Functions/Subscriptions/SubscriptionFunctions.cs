using LiveCounter.Api.Routing;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Functions.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Subscriptions;

/// <summary>A connection joins and leaves a counter's group through the SignalR output binding.</summary>
public sealed class SubscriptionFunctions(ISubscriptionGate gate)
{
    /// <summary><c>POST /api/counters/{name}/subscriptions</c>.</summary>
    [Function("Subscribe")]
    public async Task<SubscriptionOutput> SubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Subscriptions)] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        var answer = await SubscribeHandler.HandleAsync(name, request, gate, cancellationToken);
        return new SubscriptionOutput { Result = answer.Result, GroupChange = SignalROutputs.Join(answer.Change) };
    }

    /// <summary><c>DELETE /api/counters/{name}/subscriptions/{connectionId}</c>.</summary>
    [Function("Unsubscribe")]
    public SubscriptionOutput Unsubscribe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.Subscription)] HttpRequest request, string name, string connectionId)
    {
        var answer = UnsubscribeHandler.Handle(name, connectionId, gate);
        return new SubscriptionOutput { Result = answer.Result, GroupChange = SignalROutputs.Leave(answer.Change) };
    }
}
