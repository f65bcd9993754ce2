using System.Collections.Concurrent;

namespace LiveCounter.Standalone.Realtime;

/// <summary>The connections the hub has registered, so a subscription can tell a live id from a made-up one.</summary>
/// <remarks>
/// A client may subscribe the instant its handshake completes, a moment before the hub has registered it, and
/// ASP.NET Core silently ignores a group add for a connection it does not know yet. So a subscription waits up
/// to <see cref="Grace"/> for its connection instead of adding too early or refusing at once.
/// </remarks>
public sealed class ConnectionRegistry(TimeProvider time)
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    readonly ConcurrentDictionary<string, TaskCompletionSource> _connections = new(StringComparer.Ordinal);

    public void Connected(string connectionId) => GateFor(connectionId).TrySetResult();

    public void Disconnected(string connectionId) => _connections.TryRemove(connectionId, out _);

    public async Task<bool> WaitUntilConnectedAsync(string connectionId, CancellationToken cancellationToken)
    {
        var gate = GateFor(connectionId);
        try
        {
            await gate.Task.WaitAsync(Grace, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            // Forget a made-up id again, or every guess would stay in memory.
            _connections.TryRemove(KeyValuePair.Create(connectionId, gate));
            return false;
        }
    }

    TaskCompletionSource GateFor(string connectionId) =>
        _connections.GetOrAdd(connectionId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
