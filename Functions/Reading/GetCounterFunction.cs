using System.Net;
using LiveCounter.Functions.Http;
using LiveCounter.Reading;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Reading;

/// <summary><c>GET /api/counters/{name}</c>: a counter as it is now (value 0, version 0 if never incremented).</summary>
public sealed class GetCounterFunction(GetCounter getCounter, ILogger<GetCounterFunction> logger)
{
    public const string Name = "GetCounter";

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "counters/{name}")] HttpRequestData request,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var counterName = CounterName.Parse(name);
            if (!counterName.Succeeded)
            {
                return await ApiResponses.ProblemAsync(request, counterName.Problem, cancellationToken);
            }

            var counter = await getCounter.ExecuteAsync(counterName.Value, cancellationToken);
            return counter.Succeeded
                ? await ApiResponses.JsonAsync(request, HttpStatusCode.OK, CounterView.From(counter.Value), cancellationToken)
                : await ApiResponses.ProblemAsync(request, counter.Problem, cancellationToken);
        }
        catch (Exception exception) when (ApiResponses.IsUnexpected(exception, cancellationToken))
        {
            return await ApiResponses.InternalErrorAsync(request, logger, Name, exception);
        }
    }
}
