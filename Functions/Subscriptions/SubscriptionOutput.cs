using LiveCounter.Realtime;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace LiveCounter.Functions.Subscriptions;

/// <summary>What the subscription functions return: the HTTP response and the group change, if any.</summary>
public sealed class SubscriptionOutput
{
    [HttpResult]
    public required HttpResponseData HttpResponse { get; init; }

    /// <summary>Adds or removes the connection in the counter's group; null (on a bad request) changes nothing.</summary>
    [SignalROutput(HubName = CounterHubContract.Name)]
    public SignalRGroupAction? GroupAction { get; init; }
}
