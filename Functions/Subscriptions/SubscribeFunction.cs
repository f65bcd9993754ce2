using LiveCounter.Functions.Http;
using LiveCounter.Problems;
using LiveCounter.Subscriptions;
using LiveCounter.Wire;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Functions.Subscriptions;

/// <summary>
/// <c>POST /api/counters/{name}/subscriptions</c> with <c>{ "connectionId": "…" }</c>: the connection joins the
/// counter's group. Serverless mode cannot see connections, so every well-formed id is answered 204.
/// </summary>
public sealed class SubscribeFunction(ILogger<SubscribeFunction> logger)
{
    public const string Name = "Subscribe";

    [Function(Name)]
    public async Task<SubscriptionOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "counters/{name}/subscriptions")] HttpRequestData request,
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

            var subscription = Subscription.FromBody(name, body.Value);
            if (!subscription.Succeeded)
            {
                return await FailedAsync(request, subscription.Problem, cancellationToken);
            }

            return new SubscriptionOutput
            {
                HttpResponse = ApiResponses.NoContent(request),
                GroupAction = new SignalRGroupAction(SignalRGroupActionType.Add)
                {
                    ConnectionId = subscription.Value.Connection.Value,
                    GroupName = subscription.Value.GroupName,
                },
            };
        }
        catch (Exception exception) when (ApiResponses.IsUnexpected(exception, cancellationToken))
        {
            return new SubscriptionOutput { HttpResponse = await ApiResponses.InternalErrorAsync(request, logger, Name, exception) };
        }
    }

    static async Task<SubscriptionOutput> FailedAsync(HttpRequestData request, Problem problem, CancellationToken cancellationToken) =>
        new() { HttpResponse = await ApiResponses.ProblemAsync(request, problem, cancellationToken) };
}
