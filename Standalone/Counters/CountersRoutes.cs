using LiveCounter.Api.Increments;
using LiveCounter.Api.OpenApi;
using LiveCounter.Api.Reading;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Increments;
using LiveCounter.Reading;
using LiveCounter.Standalone.Realtime;

namespace LiveCounter.Standalone.Counters;

/// <summary>The counters API: the Api handlers on minimal APIs, their realtime actions carried out through the hub.</summary>
public static class CountersRoutes
{
    public static RouteGroupBuilder MapCounters(this IEndpointRouteBuilder routes)
    {
        var counters = routes.MapGroup("/api/counters/{name}").WithTags(ApiDescriptions.Tag);
        // A lambda rather than the method group: ASP.NET Core's route handler analyzer (10.0) throws on a method group from
        // another assembly mapped at "" in a group whose prefix holds the route parameter.
        counters.MapGet("", (string name, GetCounter getCounter, CancellationToken cancellationToken) =>
            ReadCounterHandler.HandleAsync(name, getCounter, cancellationToken))
            .DescribesReadCounter();
        counters.MapPost("/increment", async (string name, HttpRequest request, IncrementCounter increment, RealtimeSender realtime, CancellationToken cancellationToken) =>
            await realtime.CarryOutAsync(await IncrementHandler.HandleAsync(name, request, increment, cancellationToken)))
            .DescribesIncrement();
        counters.MapPost("/subscriptions", async (string name, HttpRequest request, ISubscriptionGate gate, RealtimeSender realtime, CancellationToken cancellationToken) =>
            await realtime.CarryOutAsync(await SubscribeHandler.HandleAsync(name, request, gate, cancellationToken)))
            .DescribesSubscribe();
        counters.MapDelete("/subscriptions/{connectionId}", async (string name, string connectionId, ISubscriptionGate gate, RealtimeSender realtime) =>
            await realtime.CarryOutAsync(UnsubscribeHandler.Handle(name, connectionId, gate)))
            .DescribesUnsubscribe();
        return counters;
    }
}
