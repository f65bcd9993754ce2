using LiveCounter.Problems;

namespace LiveCounter.Subscriptions;

/// <summary>The counters one live connection is subscribed to: at most <see cref="MaxCounters"/> of them.</summary>
/// <remarks>
/// Every subscription is a group membership the hub holds until the connection leaves, and a connection's departure
/// walks all of them. Without a cap one anonymous connection could join tens of thousands of groups, costing memory
/// and slowing every other connection's disconnect. Not thread-safe: its owner serialises access.
/// </remarks>
public sealed class ConnectionSubscriptions
{
    public const int MaxCounters = 100;

    public static readonly Problem LimitReached = Problem.TooManyRequests(
        $"This connection is already subscribed to {MaxCounters} counters, the most one connection may watch. "
        + "Unsubscribe from one before subscribing to another.");

    readonly HashSet<CounterName> _counters = [];

    public int Count => _counters.Count;

    /// <summary>Adds <paramref name="counter"/>; false when that would exceed the cap. Subscribing twice counts once.</summary>
    public bool TryAdd(CounterName counter)
    {
        if (_counters.Count >= MaxCounters && !_counters.Contains(counter))
        {
            return false;
        }

        _counters.Add(counter);
        return true;
    }

    public void Remove(CounterName counter) => _counters.Remove(counter);
}
