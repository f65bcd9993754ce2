using LiveCounter.Visitors;
using LiveCounter.Wire;

namespace LiveCounter.Realtime;

/// <summary>
/// What one answered increment sends over SignalR: <c>counterUpdated</c> to the counter's subscribers when it was the
/// last increment of its commit, and <c>incrementApplied</c> to its visitor when it was that visitor's last in the
/// commit. Most answers of a busy counter send nothing; a replay never does.
/// </summary>
public sealed record Broadcast(CounterUpdate? ToSubscribers, VisitorUpdate? ToVisitor)
{
    public static readonly Broadcast Nothing = new(null, null);
}

/// <summary><c>counterUpdated</c> with the counter as its commit saw it, to the SignalR group of the counter's subscribers.</summary>
public sealed record CounterUpdate(string Group, CounterView Counter)
{
    public const string Target = CounterHubContract.CounterUpdated;
}

/// <summary><c>incrementApplied</c>, to every connection of one visitor (SignalR user = the visitor id) and no one else's.</summary>
public sealed record VisitorUpdate(VisitorId Visitor, IncrementAppliedView Applied)
{
    public const string Target = CounterHubContract.IncrementApplied;
}
