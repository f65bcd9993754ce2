using LiveCounter.Api.Http;
using LiveCounter.Api.Reading;
using LiveCounter.Api.Routing;
using LiveCounter.Reading;
using LiveCounter.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Reading;

/// <summary><c>GET /api/counters/{name}</c>.</summary>
public sealed class GetCounterFunction(GetCounter getCounter)
{
    [Function("GetCounter")]
    public Task<Results<Ok<CounterView>, ProblemResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Counter)] HttpRequest request, string name, CancellationToken cancellationToken) =>
        ReadCounterHandler.HandleAsync(name, getCounter, cancellationToken);
}
