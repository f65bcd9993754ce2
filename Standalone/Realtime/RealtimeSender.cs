using LiveCounter.Api.Http;
using LiveCounter.Api.Increments;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Carries out what an answer sends through the hub: the counterpart of the Functions output bindings.</summary>
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

    /// <summary>Sends off <paramref name="answer"/>'s messages, not awaiting them, and hands back its HTTP result.</summary>
    public Results<IncrementOk, ProblemResult> Send(IncrementAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Broadcast.ToSubscribers is { } update)
        {
            SendOff(CounterUpdate.Target, hub.Clients.Group(update.Group), update.Counter);
        }

        if (answer.Broadcast.ToVisitor is { } applied)
        {
            SendOff(VisitorUpdate.Target, hub.Clients.User(applied.Visitor.Value), applied.Applied);
        }

        return answer.Result;
    }

    /// <summary>Adds the subscribing connection to the counter's group, then hands back the HTTP result.</summary>
    public async Task<Results<NoContent, ProblemResult>> JoinAsync(SubscriptionAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Change is { } joining)
        {
            await hub.Groups.AddToGroupAsync(joining.Connection.Value, joining.GroupName);
        }

        return answer.Result;
    }

    /// <summary>Removes the unsubscribing connection from the counter's group, then hands back the HTTP result.</summary>
    public async Task<Results<NoContent, ProblemResult>> LeaveAsync(SubscriptionAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Change is { } leaving)
        {
            await hub.Groups.RemoveFromGroupAsync(leaving.Connection.Value, leaving.GroupName);
        }

        return answer.Result;
    }

    /// <summary>Not tied to the request: once an increment is committed its messages go out even if the caller left.</summary>
    void SendOff(string target, IClientProxy recipients, object argument)
    {
        var bound = new CancellationTokenSource(SendBound, time);
        Task sending;
        try
        {
            sending = recipients.SendAsync(target, argument, bound.Token);
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
                    NotSent(logger, target, failure.GetBaseException());
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
