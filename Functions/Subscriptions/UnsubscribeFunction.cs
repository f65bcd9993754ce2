using LiveCounter.Functions.Http;
using LiveCounter.Subscriptions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Subscriptions;

/// <summary><c>DELETE /api/counters/{name}/subscriptions/{connectionId}</c>: the connection leaves the counter's group.</summary>
public sealed class UnsubscribeFunction(ILogger<UnsubscribeFunction> logger)
{
    public const string Name = "Unsubscribe";

    [Function(Name)]
    public async Task<SubscriptionOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "counters/{name}/subscriptions/{connectionId}")] HttpRequestData request,
        string name,
        string connectionId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var subscription = Subscription.FromRoute(name, connectionId);
            if (!subscription.Succeeded)
            {
                return new SubscriptionOutput { HttpResponse = await ApiResponses.ProblemAsync(request, subscription.Problem, cancellationToken) };
            }

            return new SubscriptionOutput
            {
                HttpResponse = ApiResponses.NoContent(request),
                GroupAction = new SignalRGroupAction(SignalRGroupActionType.Remove)
                {
                    ConnectionId = subscription.Value.Connection.Value,
                    GroupName = subscription.Value.GroupName,
                },
            };
        }
        catch (Exception exception) when (ApiResponses.IsUnexpected(exception, cancellationToken))
        {
            return new SubscriptionOutput { HttpResponse = await ApiResponses.InternalErrorAsync(request, logger, Name, exception) };
        }
    }
}
