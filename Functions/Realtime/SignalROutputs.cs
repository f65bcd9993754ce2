using LiveCounter.Realtime;
using LiveCounter.Subscriptions;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Realtime;

/// <summary>What an answer sends, as the SignalR output bindings' values.</summary>
/// <remarks>
/// Nothing is null, not an empty array: the host skips an output that arrives without data, so the SignalR binding is
/// never even bound, whereas an empty array is still handed to it.
/// </remarks>
public static class SignalROutputs
{
    /// <summary>One invocation per message of <paramref name="broadcast"/>, or null when it sends nothing.</summary>
    public static SignalRMessageAction[]? Messages(Broadcast broadcast)
    {
        ArgumentNullException.ThrowIfNull(broadcast);
        List<SignalRMessageAction> messages = [];
        if (broadcast.ToSubscribers is { } update)
        {
            messages.Add(new SignalRMessageAction(CounterUpdate.Target, [update.Counter]) { GroupName = update.Group });
        }

        if (broadcast.ToVisitor is { } applied)
        {
            messages.Add(new SignalRMessageAction(VisitorUpdate.Target, [applied.Applied]) { UserId = applied.Visitor.Value });
        }

        return messages.Count == 0 ? null : [.. messages];
    }

    /// <summary>The subscribing connection joins the counter's group; null when the request failed.</summary>
    public static SignalRGroupAction? Join(Subscription? subscription) => GroupChange(SignalRGroupActionType.Add, subscription);

    /// <summary>The unsubscribing connection leaves the counter's group; null when the request failed.</summary>
    public static SignalRGroupAction? Leave(Subscription? subscription) => GroupChange(SignalRGroupActionType.Remove, subscription);

    static SignalRGroupAction? GroupChange(SignalRGroupActionType action, Subscription? subscription) => subscription is null
        ? null
        : new SignalRGroupAction(action) { ConnectionId = subscription.Connection.Value, GroupName = subscription.GroupName };
}
