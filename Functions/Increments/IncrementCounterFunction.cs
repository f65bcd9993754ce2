using System.Net;
using LiveCounter.Functions.Http;
using LiveCounter.Functions.Realtime;
using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Increments;

/// <summary><c>POST /api/counters/{name}/increment</c>: one increment, answered over HTTP and broadcast over SignalR.</summary>
public sealed class IncrementCounterFunction(IncrementCounter increment, ILogger<IncrementCounterFunction> logger)
{
    public const string Name = "IncrementCounter";

    [Function(Name)]
    public async Task<IncrementOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "counters/{name}/increment")] HttpRequestData request,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var body = await RequestBody.ReadAsync(request.Body, RequestHeaders.ContentLength(request), cancellationToken);
            if (!body.Succeeded)
            {
                return await FailedAsync(request, body.Problem, cancellationToken);
            }

            var parsed = IncrementRequest.Parse(
                name,
                body.Value,
                RequestHeaders.Get(request, IncrementRequest.IdempotencyKeyHeader),
                RequestHeaders.Get(request, IncrementRequest.VisitorIdHeader));
            if (!parsed.Succeeded)
            {
                return await FailedAsync(request, parsed.Problem, cancellationToken);
            }

            var outcome = await increment.ExecuteAsync(parsed.Value, cancellationToken);
            if (!outcome.Succeeded)
            {
                return await FailedAsync(request, outcome.Problem, cancellationToken);
            }

            var success = outcome.Value;
            var response = request.CreateResponse(HttpStatusCode.OK);
            if (success.Replayed)
            {
                response.Headers.Add(IncrementRequest.ReplayedHeader, "true");
            }

            return new IncrementOutput
            {
                HttpResponse = await ApiResponses.WriteJsonAsync(response, IncrementView.From(success.Result), cancellationToken),
                Messages = SignalRMessages.For(success.Messages),
            };
        }
        catch (Exception exception) when (ApiResponses.IsUnexpected(exception, cancellationToken))
        {
            return new IncrementOutput { HttpResponse = await ApiResponses.InternalErrorAsync(request, logger, Name, exception) };
        }
    }

    static async Task<IncrementOutput> FailedAsync(HttpRequestData request, Problem problem, CancellationToken cancellationToken) =>
        new() { HttpResponse = await ApiResponses.ProblemAsync(request, problem, cancellationToken) };
}
