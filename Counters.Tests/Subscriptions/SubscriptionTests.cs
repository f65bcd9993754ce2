using LiveCounter.Realtime;
using LiveCounter.Subscriptions;
using static LiveCounter.Tests.Support.Requests;

namespace LiveCounter.Tests.Subscriptions;

/// <summary>A subscription names a counter and a connection, from a subscribe body or an unsubscribe route; the name is checked first.</summary>
public sealed class SubscriptionTests
{
    static readonly ConnectionId Connection = ConnectionId.Parse("conn-1").Value!;

    [Fact]
    public void A_subscribe_body_names_the_connection() =>
        Assert.Equal(new Subscription(Hits, Connection), Subscription.FromBody("hits", "{\"connectionId\":\"conn-1\"}"u8).Value);

    [Fact]
    public void An_unsubscribe_route_names_the_connection() =>
        Assert.Equal(new Subscription(Hits, Connection), Subscription.FromRoute("hits", "conn-1").Value);

    [Fact]
    public void A_bad_name_is_answered_before_the_connection()
    {
        Assert.Equal(CounterName.Rule, Subscription.FromBody("Bad Name", "{"u8).Problem!.Detail);
        Assert.Equal(CounterName.Rule, Subscription.FromRoute("Bad Name", "a/b").Problem!.Detail);
    }

    [Fact]
    public void A_bad_connection_id_is_answered_with_its_rule()
    {
        Assert.Equal(ConnectionId.Rule, Subscription.FromBody("hits", "{\"connectionId\":\"a/b\"}"u8).Problem!.Detail);
        Assert.Equal(ConnectionId.Rule, Subscription.FromRoute("hits", "a/b").Problem!.Detail);
    }

    [Fact]
    public void The_group_is_the_counter_s() =>
        Assert.Equal(CounterHubContract.GroupFor(Hits), new Subscription(Hits, Connection).GroupName);
}
