using LiveCounter.Api.Http;
using LiveCounter.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCounter.Api.Subscriptions;

/// <summary>
/// What the subscription handlers answer: the HTTP result, and the connection that joins (subscribe) or leaves
/// (unsubscribe) the counter's SignalR group with it; none when the request failed.
/// </summary>
public sealed record SubscriptionResponse(Results<NoContent, ProblemResult> Result, Subscription? Change)
{
    public static SubscriptionResponse Refused(ProblemResult problem) => new(problem, null);
}
