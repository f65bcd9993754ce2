using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Subscriptions;

/// <summary>What the subscription functions return: the HTTP answer, and the group change (none on a refused request).</summary>
public sealed class SubscriptionOutput
{
    [HttpResult]
    public required IResult Result { get; init; }

    [SignalROutput(HubName = CounterHubContract.Name)]
    public SignalRGroupAction? GroupChange { get; init; }
}
