using LiveCounter.Realtime;

namespace LiveCounter.Standalone.Tests.Infrastructure;

/// <summary>Everything one hub connection received, in order, with a way to wait for a particular message.</summary>
public sealed class Inbox
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly List<object> _messages = [];

    Inbox(HubConnection connection)
    {
        Connection = connection;
        connection.On<CounterView>(CounterHubContract.CounterUpdated, Add);
        connection.On<IncrementAppliedView>(CounterHubContract.IncrementApplied, Add);
    }

    public HubConnection Connection { get; }

    public string ConnectionId => Connection.ConnectionId ?? throw new InvalidOperationException("Not connected.");

    public static Inbox Of(HubConnection connection) => new(connection);

    public IReadOnlyList<object> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<T> All<T>() => [.. Messages.OfType<T>()];

    /// <summary>Waits for a message; the patience is a failure bound, not a timing assertion.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No matching {typeof(T).Name} arrived within {Patience.TotalSeconds} s; received: {string.Join(", ", Messages)}");
    }

    void Add(object message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }
}
