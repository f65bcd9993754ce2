using LiveCounter.Realtime;
using Microsoft.Azure.Functions.Worker;

namespace LiveCounter.Functions.Realtime;

/// <summary>Turns the messages a use case asks for into SignalR output-binding actions, one invocation each.</summary>
public static class SignalRMessages
{
    /// <summary>
    /// The actions for <paramref name="messages"/>, or null when there are none. Null (not an empty array) is what
    /// "send nothing" must be: the host skips an output that arrives without data, so the SignalR binding is never
    /// even bound, whereas an empty array is still handed to the host's binding.
    /// </summary>
    public static SignalRMessageAction[]? For(IReadOnlyList<RealtimeMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return null;
        }

        var actions = new SignalRMessageAction[messages.Count];
        for (var i = 0; i < actions.Length; i++)
        {
            actions[i] = ToAction(messages[i]);
        }

        return actions;
    }

    static SignalRMessageAction ToAction(RealtimeMessage message) => message.To switch
    {
        Audience.Group group => new SignalRMessageAction(message.Target, [message.Argument]) { GroupName = group.Name },
        Audience.User user => new SignalRMessageAction(message.Target, [message.Argument]) { UserId = user.Visitor.Value },
        _ => throw new InvalidOperationException($"Unknown audience {message.To.GetType().Name}."),
    };
}
