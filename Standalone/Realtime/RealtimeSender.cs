using LiveCounter.Api.Http;
using LiveCounter.Api.Increments;
using LiveCounter.Api.Subscriptions;
using LiveCounter.Problems;
using LiveCounter.Realtime;
using LiveCounter.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace LiveCounter.Standalone.Realtime;

/// <summary>Carries out what an answer sends through the hub: the counterpart of the Functions output bindings.</summary>
/// <remarks>
/// A SignalR group or user send completes only when its write to every recipient has, and the write to a connection
/// that stopped reading waits until that connection's buffers drain. So no answer waits for its messages: they are
/// handed to SignalR, which writes them at once to every connection that reads, and the answer goes. A message
/// still waiting for a stuck connection after <see cref="SendBound"/> is given up for that connection alone
/// (delivery is at most once; the page re-reads when it reconnects), which bounds what a stuck connection can hold:
/// its messages of the last two seconds, until SignalR's transport send timeout closes it. Group changes are
/// awaited, at most <see cref="GroupChangeBound"/>: a 204 must mean the connection is in the group.
/// </remarks>
public sealed partial class RealtimeSender(
    IHubContext<CounterHub> hub, ConnectionRegistry connections, TimeProvider time, ILogger<RealtimeSender> logger, RealtimeBackplane? backplane = null) : IDisposable
{
    /// <summary>How long a message may wait for a recipient that does not read before that recipient goes without it.</summary>
    public static readonly TimeSpan SendBound = TimeSpan.FromSeconds(2);

    /// <summary>How long a subscription request waits for its group change on the backplane before it answers 503.</summary>
    public static readonly TimeSpan GroupChangeBound = TimeSpan.FromSeconds(3);

    static readonly ProblemResult BackplaneDown = new(Problem.Unavailable(
        "The realtime backplane is unreachable, so this connection cannot receive the counter's updates now. Try again shortly."));

    readonly SemaphoreSlim _joins = new(1, 1);

    /// <summary>Sends off <paramref name="answer"/>'s messages, not awaiting them, and hands back its HTTP result.</summary>
    public Results<IncrementOk, ProblemResult> Send(IncrementResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (backplane is { MaySend: false })
        {
            // Dropped unsent: the lifetime manager would fail it at once, and one warning per outage says so.
            return answer.Result;
        }

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
    public async Task<Results<NoContent, ProblemResult>> JoinAsync(SubscriptionResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Change is not { } joining)
        {
            return answer.Result;
        }

        if (backplane is null)
        {
            await hub.Groups.AddToGroupAsync(joining.Connection.Value, joining.GroupName);
            return answer.Result;
        }

        return await ChangeGroupAsync(joining, JoinInTurnAsync) ? answer.Result : BackplaneDown;
    }

    /// <summary>Removes the unsubscribing connection from the counter's group, then hands back the HTTP result.</summary>
    public async Task<Results<NoContent, ProblemResult>> LeaveAsync(SubscriptionResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Change is not { } leaving)
        {
            return answer.Result;
        }

        if (backplane is null)
        {
            await hub.Groups.RemoveFromGroupAsync(leaving.Connection.Value, leaving.GroupName);
            return answer.Result;
        }

        return await ChangeGroupAsync(leaving, (change, _) => LeaveOverBackplaneAsync(change)) ? answer.Result : BackplaneDown;
    }

    /// <summary>True when the change is done (or moot); false when it could not be made within <see cref="GroupChangeBound"/>.</summary>
    async Task<bool> ChangeGroupAsync(Subscription change, Func<Subscription, CancellationToken, Task<bool>> changeAsync)
    {
        // A connection this instance does not hold (any more) is in none of its groups. Asking the lifetime manager
        // anyway would send the change to the other instances and wait 30 s for an acknowledgement none will send.
        if (!connections.IsConnected(change.Connection.Value))
        {
            return true;
        }

        using var bound = new CancellationTokenSource(GroupChangeBound, time);
        try
        {
            return await changeAsync(change, bound.Token).WaitAsync(bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A join over the Redis backplane, which subscribes this instance to the group's channel on its first member.</summary>
    /// <remarks>
    /// A failed subscription leaves in StackExchange.Redis a registration of the channel whose queue nobody reads, which
    /// is subscribed again when Redis is back and then keeps every message of the counter in memory. So a join is not
    /// even tried while Redis is known to be down, and one that fails all the same has that registration dropped before
    /// any other join may start: at that moment no connection here is in the group, so the channel has no other reader.
    /// </remarks>
    async Task<bool> JoinInTurnAsync(Subscription joining, CancellationToken giveUp)
    {
        await _joins.WaitAsync(giveUp);
        try
        {
            if (backplane is not { IsConnected: true })
            {
                return false;
            }

            try
            {
                await hub.Groups.AddToGroupAsync(joining.Connection.Value, joining.GroupName, CancellationToken.None);
                return true;
            }
            catch (Exception failure) when (IsBackplaneFailure(failure))
            {
                GroupChangeFailed(logger, failure);
                await ForgetGroupChannelAsync(backplane, joining.GroupName);
                return false;
            }
        }
        finally
        {
            _joins.Release();
        }
    }

    async Task ForgetGroupChannelAsync(RealtimeBackplane redis, string group)
    {
        try
        {
            await redis.ForgetGroupChannelAsync(group);
        }
        catch (Exception failure) when (IsBackplaneFailure(failure))
        {
            GroupChangeFailed(logger, failure);
        }
    }

    /// <summary>SignalR forgets the group before it tells Redis, so a leave that failed is done here and its retry is a 204.</summary>
    async Task<bool> LeaveOverBackplaneAsync(Subscription leaving)
    {
        try
        {
            await hub.Groups.RemoveFromGroupAsync(leaving.Connection.Value, leaving.GroupName, CancellationToken.None);
            return true;
        }
        catch (Exception failure) when (IsBackplaneFailure(failure))
        {
            GroupChangeFailed(logger, failure);
            return false;
        }
    }

    public void Dispose() => _joins.Dispose();

    /// <summary>Redis refused or did not answer (StackExchange.Redis's timeouts are <see cref="TimeoutException"/>s).</summary>
    static bool IsBackplaneFailure(Exception failure) => failure is RedisException or TimeoutException or OperationCanceledException;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group change on the realtime backplane failed.")]
    static partial void GroupChangeFailed(ILogger logger, Exception exception);

    // A stuck recipient that ran out of time is not a failure: SignalR completes a write cancelled by its caller quietly.
    [LoggerMessage(Level = LogLevel.Warning, Message = "A realtime message ({Target}) could not be sent.")]
    static partial void NotSent(ILogger logger, string target, Exception exception);
}
