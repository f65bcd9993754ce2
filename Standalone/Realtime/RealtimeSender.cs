using LiveCounter.Api.Http;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Carries out the realtime actions of an answer through the hub: the counterpart of the Functions output bindings.</summary>
/// <remarks>
/// A SignalR group or user send completes only when its write to every recipient has, and the write to a connection
/// that stopped reading waits until that connection's buffers drain. So no answer waits for its messages: they are
/// handed to SignalR, which writes them at once to every connection that reads, and the answer goes. A message
/// still waiting for a stuck connection after <see cref="SendBound"/> is given up for that connection alone
/// (delivery is at most once; the page re-reads when it reconnects), which bounds what a stuck connection can hold:
/// its messages of the last two seconds, until SignalR's transport send timeout closes it. Group changes are
/// awaited: they touch no socket, and a 204 must mean the connection is in the group.
/// </remarks>
public sealed partial class RealtimeSender(IHubContext<CounterHub> hub, TimeProvider time, ILogger<RealtimeSender> logger)
{
    /// <summary>How long a message may wait for a recipient that does not read before that recipient goes without it.</summary>
    public static readonly TimeSpan SendBound = TimeSpan.FromSeconds(2);

    /// <summary>Carries out <paramref name="answer"/>'s actions (its messages sent off, not awaited), then hands back its HTTP result.</summary>
    public async Task<TResult> CarryOutAsync<TResult>(Answer<TResult> answer)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(answer);
        foreach (var action in answer.Actions)
        {
            switch (action)
            {
                case RealtimeAction.Send send:
                    SendOff(send.Message);
                    break;
                case RealtimeAction.Join join:
                    await hub.Groups.AddToGroupAsync(join.Subscription.Connection.Value, join.Subscription.GroupName);
                    break;
                case RealtimeAction.Leave leave:
                    await hub.Groups.RemoveFromGroupAsync(leave.Subscription.Connection.Value, leave.Subscription.GroupName);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown realtime action {action.GetType().Name}.");
            }
        }

        return answer.Result;
    }

    /// <summary>Not tied to the request: once an increment is committed its messages go out even if the caller left.</summary>
    void SendOff(RealtimeMessage message)
    {
        var bound = new CancellationTokenSource(SendBound, time);
        Task sending;
        try
        {
            sending = message.To switch
            {
                Audience.Group group => hub.Clients.Group(group.Name).SendAsync(message.Target, message.Argument, bound.Token),
                Audience.User user => hub.Clients.User(user.Visitor.Value).SendAsync(message.Target, message.Argument, bound.Token),
                _ => throw new InvalidOperationException($"Unknown audience {message.To.GetType().Name}."),
            };
        }
        catch
        {
            bound.Dispose();
            throw;
        }

        _ = sending.ContinueWith(
            (sent, state) =>
            {
                ((CancellationTokenSource)state!).Dispose();
                if (sent.Exception is { } failure)
                {
                    NotSent(logger, message.Target, failure.GetBaseException());
                }
            },
            bound,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // A stuck recipient that ran out of time is not a failure: SignalR completes a write cancelled by its caller quietly.
    [LoggerMessage(Level = LogLevel.Warning, Message = "A realtime message ({Target}) could not be sent.")]
    static partial void NotSent(ILogger logger, string target, Exception exception);
}
