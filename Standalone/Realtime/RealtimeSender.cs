using LiveCounter.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Sends the messages a use case asked for through the hub: the counterpart of the Functions output binding.</summary>
/// <remarks>
/// A SignalR group or user send completes only when its write to every recipient has, and the write to a connection
/// that stopped reading waits until that connection's buffers drain. Unbounded, one such client would hold back
/// every increment of its counter until SignalR's transport send timeout (10 s by default) closed it. So an
/// increment waits at most <see cref="SendBound"/> for its messages: every recipient that reads already has them by
/// then, a stuck one still gets them queued behind its backlog, and delivery is at most once anyway. Cancelling does
/// not disconnect the stuck client (SignalR treats a write cancelled by its caller as no failure): its later messages
/// wait the same bound until the transport send timeout closes it and its page reconnects and re-reads.
/// </remarks>
public sealed class RealtimeSender(IHubContext<CounterHub> hub, TimeProvider time)
{
    /// <summary>How long one increment may wait for its slowest recipient.</summary>
    public static readonly TimeSpan SendBound = TimeSpan.FromSeconds(2);

    public async Task SendAsync(IReadOnlyList<RealtimeMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // Not tied to the request: once an increment is committed its broadcast goes out even if the caller left.
        // The messages start together and share the bound, so a stuck recipient of both costs one bound, not two.
        using var bound = new CancellationTokenSource(SendBound, time);
        var sends = messages.Select(message => ClientsFor(message.To).SendAsync(message.Target, message.Argument, bound.Token)).ToArray();
        try
        {
            await Task.WhenAll(sends);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Only the recipients still stuck at the bound are left waiting; the increment itself succeeded.
        }
    }

    IClientProxy ClientsFor(Audience audience) => audience switch
    {
        Audience.Group group => hub.Clients.Group(group.Name),
        Audience.User user => hub.Clients.User(user.Visitor.Value),
        _ => throw new InvalidOperationException("Unknown audience."),
    };
}
