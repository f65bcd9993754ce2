using LiveCounter.Api.Http;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Carries out the realtime actions of an answer through the hub: the counterpart of the Functions output bindings.</summary>
/// <remarks>
/// A SignalR group or user send completes only when its write to every recipient has, and the write to a connection
/// that stopped reading waits until that connection's buffers drain. Unbounded, one such client would hold back
/// every increment of its counter until SignalR's transport send timeout (10 s by default) closed it. So an
/// answer waits at most <see cref="SendBound"/> for its messages: every recipient that reads already has them by
/// then, a stuck one still gets them queued behind its backlog, and delivery is at most once anyway. Cancelling does
/// not disconnect the stuck client (SignalR treats a write cancelled by its caller as no failure): its later messages
/// wait the same bound until the transport send timeout closes it and its page reconnects and re-reads.
/// </remarks>
public sealed class RealtimeSender(IHubContext<CounterHub> hub, TimeProvider time)
{
    /// <summary>How long one answer may wait for its slowest recipient.</summary>
    public static readonly TimeSpan SendBound = TimeSpan.FromSeconds(2);

    /// <summary>Carries out <paramref name="answer"/>'s actions, then hands back its HTTP result.</summary>
    public async Task<TResult> CarryOutAsync<TResult>(Answer<TResult> answer)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(answer);

        // Not tied to the request: once an increment is committed its broadcast goes out even if the caller left.
        // The messages start together and share the bound, so a stuck recipient of both costs one bound, not two.
        using var bound = new CancellationTokenSource(SendBound, time);
        var sends = answer.Actions.Select(action => CarryOutAsync(action, bound.Token)).ToArray();
        try
        {
            await Task.WhenAll(sends);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Only the recipients still stuck at the bound are left waiting; the request itself succeeded.
        }

        return answer.Result;
    }

    Task CarryOutAsync(RealtimeAction action, CancellationToken cancellationToken) => action switch
    {
        RealtimeAction.Send { Message: { To: Audience.Group group } message } => hub.Clients.Group(group.Name).SendAsync(message.Target, message.Argument, cancellationToken),
        RealtimeAction.Send { Message: { To: Audience.User user } message } => hub.Clients.User(user.Visitor.Value).SendAsync(message.Target, message.Argument, cancellationToken),
        RealtimeAction.Join join => hub.Groups.AddToGroupAsync(join.Subscription.Connection.Value, join.Subscription.GroupName, cancellationToken),
        RealtimeAction.Leave leave => hub.Groups.RemoveFromGroupAsync(leave.Subscription.Connection.Value, leave.Subscription.GroupName, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown realtime action {action.GetType().Name}."),
    };
}
