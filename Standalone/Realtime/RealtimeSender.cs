using LiveCounter.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Sends the messages a use case asked for through the hub: the counterpart of the Functions output binding.</summary>
public sealed class RealtimeSender(IHubContext<CounterHub> hub)
{
    public async Task SendAsync(IReadOnlyList<RealtimeMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            var clients = message.To switch
            {
                Audience.Group group => hub.Clients.Group(group.Name),
                Audience.User user => hub.Clients.User(user.Visitor.Value),
                _ => throw new InvalidOperationException("Unknown audience."),
            };

            // Not tied to the request: once an increment is committed its broadcast goes out even if the caller left.
            await clients.SendAsync(message.Target, message.Argument, CancellationToken.None);
        }
    }
}
