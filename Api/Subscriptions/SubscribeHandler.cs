using LiveCounter.Api.Http;
using LiveCounter.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Subscriptions;

/// <summary><c>POST /api/counters/{name}/subscriptions</c> with <c>{ "connectionId": "…" }</c>: the connection joins the counter's group.</summary>
public static class SubscribeHandler
{
    public static readonly int[] Problems =
    [
        StatusCodes.Status400BadRequest,
        StatusCodes.Status404NotFound,
        StatusCodes.Status413PayloadTooLarge,
        StatusCodes.Status429TooManyRequests,
        StatusCodes.Status503ServiceUnavailable,
    ];

    public static async Task<SubscriptionResponse> HandleAsync(
        string name, HttpRequest request, ISubscriptionGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var body = await RequestBody.ReadAsync(request, cancellationToken);
        if (!body.Succeeded)
        {
            return SubscriptionResponse.Refused(new ProblemResult(body.Problem));
        }

        var subscription = Subscription.FromBody(name, body.Value);
        if (!subscription.Succeeded)
        {
            return SubscriptionResponse.Refused(new ProblemResult(subscription.Problem));
        }

        if (await gate.AdmitAsync(subscription.Value, cancellationToken) is { } refused)
        {
            return SubscriptionResponse.Refused(new ProblemResult(refused));
        }

        return new(TypedResults.NoContent(), subscription.Value);
    }
}
