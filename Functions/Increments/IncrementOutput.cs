using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Increments;

/// <summary>What the increment function returns: the HTTP answer, and the commit's messages (none on a refused request or a replay).</summary>
public sealed class IncrementOutput
{
    [HttpResult]
    public required IResult Result { get; init; }

    [SignalROutput(HubName = CounterHubContract.Name)]
    public SignalRMessageAction[]? Messages { get; init; }
}
