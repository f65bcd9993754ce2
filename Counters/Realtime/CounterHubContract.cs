namespace LiveCounter.Realtime;

/// <summary>The names both hosts and every client agree on for the realtime channel.</summary>
public static class CounterHubContract
{
    public const string Name = "counter";

    /// <summary>Sent to a counter's group on every applied increment.</summary>
    public const string CounterUpdated = "counterUpdated";

    /// <summary>Sent to the incrementing visitor's connections only.</summary>
    public const string IncrementApplied = "incrementApplied";

    /// <summary>The SignalR group whose members receive <see cref="CounterUpdated"/> for one counter.</summary>
    public static string GroupFor(CounterName name) => "counter:" + name.Value;
}
