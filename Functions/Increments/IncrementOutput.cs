using LiveCounter.Realtime;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace LiveCounter.Functions.Increments;

/// <summary>What <c>POST /api/counters/{name}/increment</c> returns: the HTTP response and the SignalR messages to send.</summary>
public sealed class IncrementOutput
{
    [HttpResult]
    public required HttpResponseData HttpResponse { get; init; }

    /// <summary><c>counterUpdated</c> to the counter's group and <c>incrementApplied</c> to the visitor; null sends nothing.</summary>
    [SignalROutput(HubName = CounterHubContract.Name)]
    public SignalRMessageAction[]? Messages { get; init; }
}
