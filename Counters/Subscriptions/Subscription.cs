using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Wire;

namespace LiveCounter.Subscriptions;

/// <summary>One connection's membership of one counter's group, parsed from a subscribe or unsubscribe request.</summary>
public sealed record Subscription(CounterName Counter, ConnectionId Connection)
{
    public string GroupName => CounterHubContract.GroupFor(Counter);

    /// <summary>For <c>POST /api/counters/{name}/subscriptions</c> with body <c>{ "connectionId": "…" }</c>.</summary>
    public static ProblemOr<Subscription> FromBody(string? name, ReadOnlySpan<byte> body)
    {
        var counter = CounterName.Parse(name);
        if (!counter.Succeeded)
        {
            return counter.Problem;
        }

        var connection = SubscriptionBody.Parse(body);
        return connection.Succeeded ? new Subscription(counter.Value, connection.Value) : connection.Problem;
    }

    /// <summary>For <c>DELETE /api/counters/{name}/subscriptions/{connectionId}</c>.</summary>
    public static ProblemOr<Subscription> FromRoute(string? name, string? connectionId)
    {
        var counter = CounterName.Parse(name);
        if (!counter.Succeeded)
        {
            return counter.Problem;
        }

        var connection = ConnectionId.Parse(connectionId);
        return connection.Succeeded ? new Subscription(counter.Value, connection.Value) : connection.Problem;
    }
}
