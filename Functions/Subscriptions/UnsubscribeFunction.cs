using LiveCounter.Api.Routing;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Functions.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Subscriptions;

/// <summary><c>DELETE /api/counters/{name}/subscriptions/{connectionId}</c>: the connection leaves the counter's group.</summary>
public sealed class UnsubscribeFunction(ISubscriptionGate gate)
{
    [Function("Unsubscribe")]
    public SubscriptionOutput Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.Subscription)] HttpRequest request, string name, string connectionId)
    {
        var answer = UnsubscribeHandler.Handle(name, connectionId, gate);
        return new SubscriptionOutput { Result = answer.Result, GroupChange = SignalROutputs.Leave(answer.Change) };
    }
}
