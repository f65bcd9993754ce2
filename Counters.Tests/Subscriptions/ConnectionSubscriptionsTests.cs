using LiveCounter.Subscriptions;

namespace LiveCounter.Tests.Subscriptions;

public sealed class ConnectionSubscriptionsTests
{
    static CounterName Counter(int i) => CounterName.Parse($"c{i}").Value!;

    readonly ConnectionSubscriptions _subscriptions = new();

    [Fact]
    public void A_connection_may_watch_one_hundred_counters_and_no_more()
    {
        for (var i = 0; i < ConnectionSubscriptions.MaxCounters; i++)
        {
            Assert.True(_subscriptions.TryAdd(Counter(i)));
        }

        Assert.False(_subscriptions.TryAdd(Counter(ConnectionSubscriptions.MaxCounters)));
        Assert.Equal(100, _subscriptions.Count);
    }

    [Fact]
    public void Subscribing_to_a_watched_counter_again_counts_once_even_at_the_cap()
    {
        for (var i = 0; i < ConnectionSubscriptions.MaxCounters; i++)
        {
            _subscriptions.TryAdd(Counter(i));
        }

        Assert.True(_subscriptions.TryAdd(Counter(0)));
        Assert.Equal(100, _subscriptions.Count);
    }

    [Fact]
    public void Unsubscribing_makes_room_for_another()
    {
        for (var i = 0; i < ConnectionSubscriptions.MaxCounters; i++)
        {
            _subscriptions.TryAdd(Counter(i));
        }

        _subscriptions.Remove(Counter(7));

        Assert.True(_subscriptions.TryAdd(Counter(500)));
        Assert.False(_subscriptions.TryAdd(Counter(501)));
    }

    [Fact]
    public void The_limit_is_a_429_problem_that_says_what_to_do()
    {
        Assert.Equal(429, ConnectionSubscriptions.LimitReached.Status);
        Assert.Equal("Too Many Requests", ConnectionSubscriptions.LimitReached.Title);
        Assert.Contains("Unsubscribe", ConnectionSubscriptions.LimitReached.Detail, StringComparison.Ordinal);
    }
}
