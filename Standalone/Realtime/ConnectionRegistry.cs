using LiveCounter.Api.Subscriptions;
using LiveCounter.Problems;
using LiveCounter.Subscriptions;

namespace LiveCounter.Standalone.Realtime;

/// <summary>
/// The connections the hub has registered and the counters each one watches, so a subscription can tell a live id
/// from a made-up one and a connection cannot join more than <see cref="ConnectionSubscriptions.MaxCounters"/> groups.
/// </summary>
/// <remarks>
/// A client may subscribe the instant its handshake completes, a moment before the hub has registered it, and
/// ASP.NET Core silently ignores a group add for a connection it does not know yet. So a subscription waits up
/// to <see cref="Grace"/> for its connection instead of adding too early or refusing at once.
/// <para>
/// Invariants, each kept under <c>_lock</c>: every registered connection has an entry whose gate is complete; an entry
/// whose gate is incomplete exists only while a subscription waits on it, so made-up ids never outlive their requests
/// however those end; and a gate is completed, or an incomplete one removed, only under the lock, so a connection that
/// registers at the very instant its last waiter gives up is never forgotten.
/// </para>
/// </remarks>
public sealed class ConnectionRegistry(TimeProvider time) : ISubscriptionGate
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    static readonly Problem Unknown = Problem.NotFound(
        "No connection with this id is connected to the hub. Subscribe with the id of a live connection.");

    readonly Lock _lock = new();
    readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Registered connections plus ids that subscriptions are still waiting for.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>A live connection, below its cap, may join; a made-up one is 404 after the grace, one at its cap 429.</summary>
    public async Task<Problem?> AdmitAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var connectionId = subscription.Connection.Value;
        if (!await WaitUntilConnectedAsync(connectionId, cancellationToken))
        {
            return Unknown;
        }

        return TrySubscribe(connectionId, subscription.Counter) ? null : ConnectionSubscriptions.LimitReached;
    }

    /// <summary>The connection no longer counts <paramref name="subscription"/>'s counter among those it watches.</summary>
    public void Leave(Subscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_lock)
        {
            if (_entries.TryGetValue(subscription.Connection.Value, out var entry))
            {
                entry.Subscriptions.Remove(subscription.Counter);
            }
        }
    }

    public void Connected(string connectionId)
    {
        lock (_lock)
        {
            EntryFor(connectionId).Gate.TrySetResult();
        }
    }

    public void Disconnected(string connectionId)
    {
        lock (_lock)
        {
            _entries.Remove(connectionId);
        }
    }

    /// <summary>Whether the hub has registered the connection and it has not disconnected since.</summary>
    public bool IsConnected(string connectionId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(connectionId, out var entry) && entry.Gate.Task.IsCompleted;
        }
    }

    /// <summary>True once the hub has registered the connection; false when it has not within <see cref="Grace"/>.</summary>
    public async Task<bool> WaitUntilConnectedAsync(string connectionId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            entry = EntryFor(connectionId);
            if (entry.Gate.Task.IsCompleted)
            {
                return true;
            }

            entry.Waiters++;
        }

        try
        {
            await entry.Gate.Task.WaitAsync(Grace, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            // Answered below: the connection may have registered at the very instant the grace ran out.
        }
        finally
        {
            lock (_lock)
            {
                entry.Waiters--;
                if (entry.Waiters == 0 && !entry.Gate.Task.IsCompleted && _entries.TryGetValue(connectionId, out var current) && current == entry)
                {
                    _entries.Remove(connectionId);
                }
            }
        }

        return entry.Gate.Task.IsCompleted;
    }

    /// <summary>
    /// Counts <paramref name="counter"/> among the connection's subscriptions; false when the connection already
    /// watches the most counters allowed. A connection that has gone meanwhile is not refused: its group add does nothing.
    /// </summary>
    public bool TrySubscribe(string connectionId, CounterName counter)
    {
        lock (_lock)
        {
            return !_entries.TryGetValue(connectionId, out var entry) || entry.Subscriptions.TryAdd(counter);
        }
    }

    Entry EntryFor(string connectionId)
    {
        if (!_entries.TryGetValue(connectionId, out var entry))
        {
            entry = new Entry();
            _entries.Add(connectionId, entry);
        }

        return entry;
    }

    sealed class Entry
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Subscriptions waiting for this connection to register.</summary>
        public int Waiters { get; set; }

        public ConnectionSubscriptions Subscriptions { get; } = new();
    }
}
