using LiveCounter.Api.Routing;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Functions.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Subscriptions;

/// <summary><c>POST /api/counters/{name}/subscriptions</c>: the connection joins the counter's group through the SignalR output binding.</summary>
public sealed class SubscribeFunction(ISubscriptionGate gate)
{
    [Function("Subscribe")]
    public async Task<SubscriptionOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Subscriptions)] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        var answer = await SubscribeHandler.HandleAsync(name, request, gate, cancellationToken);
        return new SubscriptionOutput { Result = answer.Result, GroupChange = SignalROutputs.Join(answer.Change) };
    }
}
