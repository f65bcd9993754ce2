using LiveCounter.Realtime;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Realtime;

/// <summary>Turns an answer's realtime actions into the SignalR output bindings' values.</summary>
/// <remarks>
/// None is null, not an empty array: the host skips an output that arrives without data, so the SignalR binding is
/// never even bound, whereas an empty array is still handed to it.
/// </remarks>
public static class SignalROutputs
{
    /// <summary>The messages to send, one invocation each, or null when there are none.</summary>
    public static SignalRMessageAction[]? Messages(IReadOnlyList<RealtimeAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        SignalRMessageAction[] messages = [.. actions.OfType<RealtimeAction.Send>().Select(send => MessageFor(send.Message))];
        return messages.Length == 0 ? null : messages;
    }

    /// <summary>The one group change a subscription request makes, or null when it made none.</summary>
    public static SignalRGroupAction? GroupChange(IReadOnlyList<RealtimeAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.SingleOrDefault(action => action is RealtimeAction.Join or RealtimeAction.Leave) switch
        {
            RealtimeAction.Join join => new SignalRGroupAction(SignalRGroupActionType.Add)
            {
                ConnectionId = join.Subscription.Connection.Value,
                GroupName = join.Subscription.GroupName,
            },
            RealtimeAction.Leave leave => new SignalRGroupAction(SignalRGroupActionType.Remove)
            {
                ConnectionId = leave.Subscription.Connection.Value,
                GroupName = leave.Subscription.GroupName,
            },
            _ => null,
        };
    }

    static SignalRMessageAction MessageFor(RealtimeMessage message) => message.To switch
    {
        Audience.Group group => new SignalRMessageAction(message.Target, [message.Argument]) { GroupName = group.Name },
        Audience.User user => new SignalRMessageAction(message.Target, [message.Argument]) { UserId = user.Visitor.Value },
        _ => throw new InvalidOperationException($"Unknown audience {message.To.GetType().Name}."),
    };
}
