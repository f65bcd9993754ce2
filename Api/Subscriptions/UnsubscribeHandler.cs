using LiveCounter.Api.Http;
using LiveCounter.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Subscriptions;

/// <summary><c>DELETE /api/counters/{name}/subscriptions/{connectionId}</c>: the connection leaves the counter's group.</summary>
public static class UnsubscribeHandler
{
    public static readonly int[] Problems = [StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable];

    public static SubscriptionResponse Handle(string name, string connectionId, ISubscriptionGate gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var subscription = Subscription.FromRoute(name, connectionId);
        if (!subscription.Succeeded)
        {
            return SubscriptionResponse.Refused(new ProblemResult(subscription.Problem));
        }

        gate.Leave(subscription.Value);
        return new(TypedResults.NoContent(), subscription.Value);
    }
}
