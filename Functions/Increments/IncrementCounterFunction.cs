using LiveCounter.Api.Increments;
using LiveCounter.Api.Routing;
using LiveCounter.Functions.Realtime;
using LiveCounter.Increments;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Increments;

/// <summary><c>POST /api/counters/{name}/increment</c>: the answer over HTTP, its messages through the SignalR output binding.</summary>
public sealed class IncrementCounterFunction(IncrementCounter increment)
{
    [Function("IncrementCounter")]
    public async Task<IncrementOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Increment)] HttpRequest request, string name, CancellationToken cancellationToken)
    {
        var answer = await IncrementHandler.HandleAsync(name, request, increment, cancellationToken);
        return new IncrementOutput { Result = answer.Result, Messages = SignalROutputs.Messages(answer.Broadcast) };
    }
}
