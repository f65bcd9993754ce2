using LiveCounter.Api.Http;
using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Increments;

/// <summary><c>POST /api/counters/{name}/increment</c>: one increment, answered over HTTP and announced over SignalR.</summary>
public static class IncrementHandler
{
    public static readonly int[] Problems =
    [
        StatusCodes.Status400BadRequest,
        StatusCodes.Status413PayloadTooLarge,
        StatusCodes.Status422UnprocessableEntity,
        StatusCodes.Status503ServiceUnavailable,
        StatusCodes.Status507InsufficientStorage,
    ];

    public static async Task<IncrementResponse> HandleAsync(
        string name, HttpRequest request, IncrementCounter increment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(increment);
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (!body.Succeeded)
        {
            return Refused(body.Problem);
        }

        // A repeated header arrives joined with commas, which no valid key or visitor id contains: refused, not guessed at.
        var parsed = IncrementRequest.Parse(
            name, body.Value, request.Headers[IncrementRequest.IdempotencyKeyHeader], request.Headers[IncrementRequest.VisitorIdHeader]);
        if (!parsed.Succeeded)
        {
            return Refused(parsed.Problem);
        }

        var outcome = await increment.ExecuteAsync(parsed.Value, cancellationToken);
        if (!outcome.Succeeded)
        {
            return Refused(outcome.Problem);
        }

        var reply = outcome.Value;
        return new(new IncrementOk(IncrementView.From(reply.Result), reply.Replayed), reply.Broadcast);
    }

    static IncrementResponse Refused(Problem problem) => new(new ProblemResult(problem), Broadcast.Nothing);
}
