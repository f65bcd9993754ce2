using LiveCounter.Increments;
using LiveCounter.Problems;
using LiveCounter.Reading;
using LiveCounter.Standalone.Problems;
using LiveCounter.Standalone.Realtime;
using LiveCounter.Subscriptions;
using LiveCounter.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Counters;

/// <summary>The counters API of the design: parse with Counters, call one use case, map its outcome.</summary>
public static class CountersApi
{
    public static RouteGroupBuilder MapCounters(this IEndpointRouteBuilder routes)
    {
        var counters = routes.MapGroup("/api/counters/{name}");
        counters.MapGet("", GetAsync);
        counters.MapPost("/increment", IncrementAsync);
        counters.MapPost("/subscriptions", SubscribeAsync);
        counters.MapDelete("/subscriptions/{connectionId}", UnsubscribeAsync);
        return counters;
    }

    static async Task<Results<Ok<CounterView>, ProblemResult>> GetAsync(string name, GetCounter getCounter, CancellationToken cancellationToken)
    {
        var counter = CounterName.Parse(name);
        if (!counter.Succeeded)
        {
            return new ProblemResult(counter.Problem);
        }

        var read = await getCounter.ExecuteAsync(counter.Value, cancellationToken);
        return read.Succeeded ? TypedResults.Ok(CounterView.From(read.Value)) : new ProblemResult(read.Problem);
    }

    static async Task<Results<Ok<IncrementView>, ProblemResult>> IncrementAsync(
        string name, HttpRequest request, IncrementCounter incrementCounter, RealtimeSender realtime, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request.Body, request.ContentLength, cancellationToken);
        if (!body.Succeeded)
        {
            return new ProblemResult(body.Problem);
        }

        var parsed = IncrementRequest.Parse(
            name, body.Value, request.Headers[IncrementRequest.IdempotencyKeyHeader], request.Headers[IncrementRequest.VisitorIdHeader]);
        if (!parsed.Succeeded)
        {
            return new ProblemResult(parsed.Problem);
        }

        var outcome = await incrementCounter.ExecuteAsync(parsed.Value, cancellationToken);
        if (!outcome.Succeeded)
        {
            return new ProblemResult(outcome.Problem);
        }

        if (outcome.Value.Replayed)
        {
            request.HttpContext.Response.Headers[IncrementRequest.ReplayedHeader] = "true";
        }

        await realtime.SendAsync(outcome.Value.Messages);
        return TypedResults.Ok(IncrementView.From(outcome.Value.Result));
    }

    static async Task<Results<NoContent, ProblemResult>> SubscribeAsync(
        string name, HttpRequest request, ConnectionRegistry connections, IHubContext<CounterHub> hub, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request.Body, request.ContentLength, cancellationToken);
        if (!body.Succeeded)
        {
            return new ProblemResult(body.Problem);
        }

        var subscription = Subscription.FromBody(name, body.Value);
        if (!subscription.Succeeded)
        {
            return new ProblemResult(subscription.Problem);
        }

        var connectionId = subscription.Value.Connection.Value;
        if (!await connections.WaitUntilConnectedAsync(connectionId, cancellationToken))
        {
            return new ProblemResult(Problem.NotFound("No connection with this id is connected to the hub. Subscribe with the id of a live connection."));
        }

        if (!connections.TrySubscribe(connectionId, subscription.Value.Counter))
        {
            return new ProblemResult(ConnectionSubscriptions.LimitReached);
        }

        await hub.Groups.AddToGroupAsync(connectionId, subscription.Value.GroupName, cancellationToken);
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, ProblemResult>> UnsubscribeAsync(
        string name, string connectionId, ConnectionRegistry connections, IHubContext<CounterHub> hub, CancellationToken cancellationToken)
    {
        var subscription = Subscription.FromRoute(name, connectionId);
        if (!subscription.Succeeded)
        {
            return new ProblemResult(subscription.Problem);
        }

        connections.Unsubscribed(subscription.Value.Connection.Value, subscription.Value.Counter);
        await hub.Groups.RemoveFromGroupAsync(subscription.Value.Connection.Value, subscription.Value.GroupName, cancellationToken);
        return TypedResults.NoContent();
    }
}
