using LiveCounter.Api.Increments;
using LiveCounter.Api.OpenApi;
using LiveCounter.Api.Reading;
using LiveCounter.Api.Routing;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Increments;
using LiveCounter.Reading;
using LiveCounter.Standalone.Realtime;

namespace LiveCounter.Standalone.Counters;

/// <summary>The counters API: the Api handlers on minimal APIs, what each answer sends carried out through the hub.</summary>
public static class CountersRoutes
{
    public static RouteGroupBuilder MapCounters(this IEndpointRouteBuilder routes)
    {
        // The paths and methods are the route table's, so that Standalone and the Functions app cannot drift apart.
        var counters = routes.MapGroup("/" + ApiRoutes.Prefix).WithTags(ApiDescriptions.Tag);
        counters.MapMethods(ApiRoutes.Counter, ApiRoutes.CounterRoute.Methods, (string name, GetCounter getCounter, CancellationToken cancellationToken) =>
            ReadCounterHandler.HandleAsync(name, getCounter, cancellationToken))
            .DescribesReadCounter();
        counters.MapMethods(ApiRoutes.Increment, ApiRoutes.IncrementRoute.Methods, async (string name, HttpRequest request, IncrementCounter increment, RealtimeSender realtime, CancellationToken cancellationToken) =>
            realtime.Send(await IncrementHandler.HandleAsync(name, request, increment, cancellationToken)))
            .DescribesIncrement();
        counters.MapMethods(ApiRoutes.Subscriptions, ApiRoutes.SubscriptionsRoute.Methods, async (string name, HttpRequest request, ISubscriptionGate gate, RealtimeSender realtime, CancellationToken cancellationToken) =>
            await realtime.JoinAsync(await SubscribeHandler.HandleAsync(name, request, gate, cancellationToken)))
            .DescribesSubscribe();
        counters.MapMethods(ApiRoutes.Subscription, ApiRoutes.SubscriptionRoute.Methods, async (string name, string connectionId, ISubscriptionGate gate, RealtimeSender realtime) =>
            await realtime.LeaveAsync(UnsubscribeHandler.Handle(name, connectionId, gate)))
            .DescribesUnsubscribe();
        return counters;
    }
}
